from trendwatch.lang.bidi import FSI, PDI, close_isolates


def test_an_open_isolate_is_closed_at_the_end():
    assert close_isolates(f"قال {FSI}Acme said") == f"قال {FSI}Acme said{PDI}"
    assert close_isolates(f"{FSI}a{PDI} و {FSI}b") == f"{FSI}a{PDI} و {FSI}b{PDI}"
    assert close_isolates(f"{FSI}a{PDI}") == f"{FSI}a{PDI}"
    assert close_isolates("plain") == "plain"
