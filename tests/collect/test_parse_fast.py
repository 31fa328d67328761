"""The fast feed path (fastfeedparser) and each reason it hands a feed to feedparser.

Every fixture here is written for the test; each fallback case is one that the fast
parser reads worse (fewer items, lost outlets, truncated or mangled text).
"""

from __future__ import annotations

import pytest

from trendwatch.collect.parse.feeds import FAST, FULL, JSON_FEED, parse_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Cycle Trade</title><link>https://trade.example/</link>
%s
</channel></rss>"""


def rss(items: bytes) -> bytes:
    return RSS % items


ITEM = (b"<item><title>Cargo bikes &amp; the last mile</title><link>/2026/cargo</link>"
        b"<guid>cargo-1</guid><pubDate>Thu, 19 Nov 2026 08:30:00 +0000</pubDate>"
        b"<description>&lt;p&gt;Delivery firms add &lt;b&gt;400&lt;/b&gt; bikes.&lt;/p&gt;"
        b"</description></item>")


def test_a_well_formed_feed_takes_the_fast_path_with_the_same_fields():
    parsed = parse_feed(rss(ITEM), {}, "https://trade.example/feed")
    assert parsed.parser == FAST
    [item] = parsed.items
    assert item.title == "Cargo bikes & the last mile"
    assert item.text == "Delivery firms add 400 bikes."
    assert item.url == "https://trade.example/2026/cargo"          # relative to the channel link
    assert item.external_id == "cargo-1"
    assert item.published_at.isoformat() == "2026-11-19T08:30:00+00:00"
    assert item.outlet == "Cycle Trade" and item.hashtags == []


def test_sub_second_times_are_cut_to_seconds_as_feedparser_stores_them():
    body = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            b'<entry><title>Paris boom</title><id>tag:a,1</id><link href="https://a.example/1"/>'
            b"<updated>2026-11-19T16:30:02.544-05:00</updated><summary>Bikes.</summary></entry></feed>")
    parsed = parse_feed(body)
    assert parsed.parser == FAST
    assert parsed.items[0].published_at.isoformat() == "2026-11-19T21:30:02+00:00"


def test_malformed_xml_goes_to_feedparser_which_keeps_the_text_whole():
    # &nbsp; is no XML entity: libxml2's recovery would drop the escaped markup after it
    item = ITEM.replace(b"Delivery firms", b"Delivery&nbsp;firms")
    parsed = parse_feed(rss(item + item.replace(b"cargo-1", b"cargo-2")))
    assert parsed.parser == FULL
    assert "malformed but readable" in parsed.warnings[0]
    assert [i.text for i in parsed.items] == ["Delivery firms add 400 bikes."] * 2


def test_google_news_source_elements_go_to_feedparser_for_the_outlet():
    item = ITEM.replace(b"</item>", b'<source url="https://wire.example">Wire Daily</source></item>')
    parsed = parse_feed(rss(item))
    assert parsed.parser == FULL and parsed.items[0].outlet == "Wire Daily"


def test_html5_source_tags_in_content_keep_the_fast_path():
    item = ITEM.replace(b"</item>", b'<content:encoded><![CDATA[<video><source src="a.mp4"></video>'
                        b'<p>Clip</p>]]></content:encoded></item>')
    body = rss(item).replace(b'<rss version="2.0">', b'<rss version="2.0" '
                             b'xmlns:content="http://purl.org/rss/1.0/modules/content/">')
    assert parse_feed(body).parser == FAST


def test_rdf_content_encoded_goes_to_feedparser_for_the_full_text():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://blog.example/"><title>Blog</title><link>https://blog.example/</link></channel>
<item rdf:about="https://blog.example/1"><title>Openness</title><link>https://blog.example/1</link>
<description>The short version...</description>
<content:encoded><![CDATA[<p>The short version, and then the whole argument.</p>]]></content:encoded>
</item></rdf:RDF>"""
    parsed = parse_feed(body)
    assert parsed.parser == FULL
    assert parsed.items[0].text == "The short version, and then the whole argument."


def test_raw_markup_in_a_description_goes_to_feedparser():
    item = (b"<item><title>Space</title><link>https://r.example/1</link><description><table><tr>"
            b"<td>submitted by <a href='https://r.example/u'>ben</a></td></tr></table></description></item>")
    parsed = parse_feed(rss(item))
    assert parsed.parser == FULL and parsed.items[0].text == "submitted by ben"


def test_an_entry_the_fast_parser_drops_sends_the_feed_to_feedparser():
    # only an xhtml:body: fastfeedparser yields an entry without title or text, feedparser reads it
    body = (b'<?xml version="1.0"?><rss version="2.0" xmlns:xhtml="http://www.w3.org/1999/xhtml">'
            b"<channel><title>T</title><item><xhtml:body><p>Only the body speaks.</p></xhtml:body>"
            b"<link>https://t.example/1</link></item></channel></rss>")
    parsed = parse_feed(body)
    assert parsed.parser == FULL and [i.text for i in parsed.items] == ["Only the body speaks."]


def test_youtube_media_descriptions_are_the_text():
    body = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"
 xmlns:media="http://search.yahoo.com/mrss/" xmlns:yt="http://www.youtube.com/xml/schemas/2015">
<title>Channel</title><entry><id>yt:video:abc</id><title>A Rock Is Trapped Light</title>
<link rel="alternate" href="https://www.youtube.com/watch?v=abc"/><published>2026-02-12T21:09:23+00:00</published>
<media:group><media:title>A Rock</media:title><media:content url="https://www.youtube.com/v/abc" type="application/x-shockwave-flash"/><media:description>Energy looping back on itself.</media:description>
</media:group></entry></feed>"""
    parsed = parse_feed(body)
    assert parsed.parser == FAST and parsed.items[0].text == "Energy looping back on itself."


def test_atom_summaries_declared_text_stay_plain():
    body = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>B</title>'
            b"<entry><title type='text'>Undo bug</title><id>tag:b,1</id><link href='https://b.example/1'/>"
            b'<summary type="text">Is 1 &lt;2? a pattern...&amp;nbsp; yes</summary></entry></feed>')
    parsed = parse_feed(body)
    assert parsed.parser == FAST and parsed.items[0].text == "Is 1 <2? a pattern...&nbsp; yes"


@pytest.mark.parametrize("body", [
    b"<html><head><title>Welcome</title></head><body><p>Not a feed</p></body></html>",
    b"\x00\x9f\x92\x96garbage\xff\xfe" * 50,
])
def test_what_neither_parser_reads_is_still_a_parse_error(body):
    from trendwatch.errors import ParseError

    with pytest.raises(ParseError, match="not a"):
        parse_feed(body)


def test_json_feeds_name_their_own_parser():
    body = b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "title": "x"}]}'
    assert parse_feed(body).parser == JSON_FEED


def test_items_without_any_link_keep_the_fast_path():
    items = b"".join(b"<item><title>Update %d</title><description>Five updates.</description></item>" % i
                     for i in range(6))
    parsed = parse_feed(rss(items))
    assert parsed.parser == FAST and len(parsed.items) == 6
    assert all(i.url is None and i.external_id is None for i in parsed.items)


def test_an_atom_id_that_is_a_url_links_the_entry():
    body = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>'
            b"<entry><title>Now</title><id>https://wiki.example/now.html#2026-02-16</id>"
            b"<updated>2026-02-16T00:00:00Z</updated><content type='html'>&lt;p&gt;Logic.&lt;/p&gt;</content>"
            b"</entry></feed>")
    parsed = parse_feed(body)
    assert parsed.parser == FAST and parsed.items[0].url == "https://wiki.example/now.html#2026-02-16"
