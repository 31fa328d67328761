"""The words and phrases the offline classifier looks for, per signal and language.

Written as regular-expression fragments, with accents and Arabic as people write them:
``compile_signal`` folds each fragment the way ``normalise`` folds a message (case, accents,
Arabic hamza/yaa/taa marbuta, tashkeel), so "déçu" matches "decu" and "DÉÇU", "تأخير" matches
"تاخير". Arabic fragments also accept the proclitics (و ف ب ل ك, the article) before them and
the common pronoun suffixes after them ("وتأخرت", "طلبي").

Each signal is a class of evidence with a weight, chosen by reading brand-directed posts:
``problem`` is a breach of expectations said outright (1.0), ``hint`` a word that leans that
way without saying it ("again", "why", "still") (0.5 each; two make a complaint), ``sarcasm``
a cue that turns praise words into their opposite, ``resolved`` a problem already fixed
(which makes thanks praise, not a complaint), ``cancel`` a negated problem ("no problems").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from trendwatch.lang.arabic import fold

LANGS = ("en", "de", "es", "fr", "ar")

# breach of expectations, said outright
PROBLEM = {
    "en": [r"barely (?:works|working|loads|usable|any)", r"one bar", r"without (?:my|our) (?:permission|consent|knowledge)", r"dies (?:after|within|every|at)", r"died", r"snapped", r"scratched", r"dented", r"missing (?:\w+ ){0,2}(?:charger|part|parts|piece|items?|drinks?|sauce)", r"cuts? out", r"terrifying", r"scary", r"pending (?:for|since)", r"charged (?:\w+ ){0,4}(?:twice|two times|double)", r"compromised", r"takes? forever", r"forever", r"filthy", r"dirty", r"(?:had|have|having) (?:a|an) (?:allergic )?reaction", r"ate (?:half|some|part) (?:of )?my", r"half (?:of )?my (?:order|food|meal)", r"closed my (?:ticket|case|complaint)", r"without (?:solving|fixing|resolving|helping)", r"found (?:a|an) (?:hair|bug|insect|fly|piece of)", r"laughed at", r"where did (?:it|they|my) \w+", r"bounced", r"waited (?:\w+ ){0,4}\d+ (?:min|mins|minutes|hours?)", r"left (?:while|without) (?:we|us|me)", r"(?:can'?t|cannot|couldn'?t) (?:find|open|see|download|upload|save|change|cancel|update)", r"(?:is|was) (?:missing|gone|wrong|late|broken)", r"(?:still|never) (?:\w+ ){0,2}(?:arrived|works?|came)", 
        r"not working", r"(?:does|do|did|is|are|was|were|has|have)(?: not|n'?t) (?:work|working|worked|load|loading|arrive|arrived|connect|come|charge|charging|turn on|start|open|respond|help)",
        r"stopped (?:working|charging|responding|loading)", r"won'?t (?:load|start|open|work|connect|charge|turn on|let me|accept|go through|refund|respond|answer)",
        r"(?:can'?t|cannot|can not|couldn'?t|unable to) (?:log ?in|login|sign in|connect|access|get through|reach|use|open|pay|book|check in|make calls?|call|withdraw|transfer|see|find my|get (?:a|my|any))",
        r"keeps? (?:crashing|freezing|dropping|failing|disconnecting|restarting|logging me out|cutting out|buffering|declining|charging me)",
        r"crash(?:es|ed|ing)?", r"fro(?:ze|zen)", r"freez(?:es|ing)", r"broken", r"broke(?: down)?", r"faulty", r"defective",
        r"(?:is|are|went|goes|been|still) (?:\w+ ){0,2}down", r"down again", r"outage", r"blackout",
        r"no (?:signal|service|internet|connection|wifi|wi-fi|data|power|coverage|network|reception)",
        r"still (?:not|no|waiting|haven'?t|hasn'?t|nothing|broken|down|charging|missing|stuck|delayed|on hold|unresolved)",
        r"never (?:arrived|came|showed up|received|got|delivered|turned up|answered|responded|replied|called back|heard back)",
        r"(?:haven'?t|hasn'?t|have not|has not|didn'?t|did not) (?:received|arrived|got|gotten|been delivered|shown up|come|heard|had a reply|had a response|been refunded|been fixed)",
        r"not (?:received|delivered|arrived|refunded|fixed|resolved|happy|impressed|acceptable|good enough|ok)",
        r"delay(?:ed|s)?", r"cancell?ed (?:my|our|the) (?:flight|order|booking|reservation|train)", r"cancell?ed again", r"flight (?:was )?cancell?ed",
        r"lost (?:my|our) (?:bag|bags|luggage|suitcase|package|parcel|order|data|photos|files|money)", r"missing (?:item|items|bag|luggage|package|parcel|order|money|payment|refund|delivery|fries|drink)",
        r"(?:arrived|came) (?:damaged|broken|cold|late|wrong|open|smashed)", r"damaged", r"wrong (?:order|item|items|size|charge|amount|address|food|meal|product)",
        r"charged (?:me )?(?:twice|double|again|two times|for nothing)", r"double[- ]charged", r"overcharg(?:ed|ing)", r"(?:want|need|demand|where'?s|still waiting for|waiting for) (?:my|a) refund",
        r"scam(?:med|mers)?", r"ripped off", r"rip[- ]?off", r"daylight robbery",
        r"worst", r"terrible", r"horrible", r"awful", r"appalling", r"disgusting", r"dreadful", r"atrocious", r"useless", r"pathetic",
        r"ridiculous", r"unacceptable", r"disgrace(?:ful)?", r"shameful", r"shambles", r"a joke", r"sucks?", r"rubbish", r"garbage", r"trash", r"incompetent",
        r"rude", r"disappoint(?:ed|ing|ment)", r"frustrat(?:ed|ing)", r"annoy(?:ed|ing)", r"furious", r"angry", r"livid", r"fed up", r"sick (?:and tired )?of", r"tired of", r"had enough",
        r"on hold (?:for )?", r"hold for (?:\d+|an|over|two|three)", r"no ?(?:one|body) (?:answers|is answering|responds|responded|replied|replies|helps|helped|picks up|cares|called)", r"nobody",
        r"no (?:response|reply|answer|update|updates|help|refund|compensation|explanation)", r"ignor(?:ed|ing)", r"ghosted",
        r"(?:been )?waiting (?:for|since|over|almost|nearly) (?:\w+ ){0,3}(?:hours?|days?|weeks?|months?|minutes)", r"been waiting", r"still waiting",
        r"\d+ (?:hours?|days?|weeks?|months?) (?:late|later|and still|and no|waiting|on hold|without)", r"(?:hours?|days?|weeks?) (?:late|on hold|without)",
        r"error(?: message| code)?s?", r"glitch(?:es|y)?", r"fail(?:ed|s|ing|ure)", r"stuck", r"drop(?:ped|ping|s) (?:calls?|out|connection)", r"dropped calls?",
        r"laggy", r"unusable", r"hacked", r"fraud(?:ulent)?", r"unauthori[sz]ed", r"stolen", r"leaked",
        r"(?:is|was|arrived|food) (?:stone )?cold", r"soggy", r"stale", r"food poisoning", r"made me sick",
        r"(?:cancel|close|closing|cancelling|canceling) (?:my|our) (?:account|subscription|contract|membership|plan|card)",
        r"(?:i'?m|im|i am|we'?re|we are|i'?ll|we'?ll|gonna|going to) (?:be )?(?:switch(?:ing)?|mov(?:e|ing)|leav(?:e|ing)|go(?:ing)?) (?:to|back to|over to) (?!you\b)",
        r"never again", r"last time i", r"lost (?:a|another) customer", r"do better", r"get it together", r"step up your", r"sort (?:it|this) out", r"fix (?:this|it|your|the)",
        r"why (?:is|are|does|do|did|has|have|can'?t|won'?t|isn'?t|hasn'?t) (?:my|our|the|it|this|your|there|nobody|no one|i)",
        r"how (?:much )?longer (?:do|does|will|must|should|until|is|are)", r"how many more", r"how hard is it to", r"when will (?:my|it|this|you|the) (?:\w+ ){0,3}(?:arrive|be fixed|be back|work|get|come|refund|respond)",
        r"(?:any|what'?s the) update on (?:my|our)", r"where(?: is|'?s) my", r"what happened to my",
        r"overpriced", r"worse", r"misleading", r"false advertising", r"lied", r"lying", r"poor (?:service|quality|customer service|experience|signal)", r"bad (?:service|experience|customer service|quality)",
        r"(?:doesn'?t|don'?t|didn'?t|won'?t) even", r"took (?:my )?money", r"declined", r"rejected", r"locked (?:out|my)", r"blocked my", r"suspended my", r"froze my",
        r"(?:literally )?(?:killing|drives?|driving) me (?:crazy|mad|nuts)", r"what a (?:mess|joke|nightmare)", r"nightmare", r"headache",
        r"no one (?:told|informed|warned)", r"without (?:any )?(?:notice|warning|explanation)", r"out of (?:stock again|order)",
    ],
    "de": [r"fällt (?:\w+ ){0,3}aus", r"verschwunden", r"(?:komische|seltsame|laute) geräusche", r"heiß geworden", r"gequalmt", r"hakt", r"kam kalt", r"(?:viel )?zu spät", r"klemmt", r"quietscht", 
        r"funktioniert (?:nicht|schon wieder nicht|immer noch nicht|gar nicht|seit)", r"geht (?:nicht|gar nichts|nichts mehr|schon wieder nicht)", r"klappt nicht", r"kaputt", r"defekt",
        r"abgestürzt", r"stürzt (?:\w+ )?ab", r"hängt sich (?:\w+ )?auf", r"störung", r"ausfall", r"ausgefallen", r"fällt (?:\w+ )?aus", r"lädt nicht", r"startet nicht",
        r"kein(?:e|en)? (?:netz|empfang|internet|signal|strom|verbindung|antwort|rückmeldung|reaktion|hilfe|erstattung)", r"immer noch (?:nicht|kein|keine|nichts|kaputt|offline)", r"noch (?:immer )?nicht (?:angekommen|da|geliefert|erhalten|erstattet|behoben)",
        r"nie angekommen", r"nicht (?:angekommen|erhalten|geliefert|erstattet|behoben|zufrieden|akzeptabel|erreichbar)", r"verspät(?:et|ung)", r"verloren", r"beschädigt",
        r"falsch(?:e|en|er)? (?:bestellung|lieferung|artikel|abbuchung|betrag|rechnung|größe|essen)", r"doppelt (?:abgebucht|belastet|berechnet|bezahlt)", r"zu viel (?:berechnet|abgebucht)",
        r"(?:will|möchte|wo bleibt|warte auf) (?:mein|meine) (?:geld|erstattung|rückerstattung)", r"betrug", r"abzocke", r"abgezockt",
        r"schlecht(?:este|esten|er|e)?", r"schrecklich", r"furchtbar", r"katastroph(?:e|al)", r"unverschämt", r"frechheit", r"lächerlich", r"nutzlos", r"unbrauchbar",
        r"enttäusch(?:t|end|ung)", r"ärgerlich", r"genervt", r"nervt", r"sauer", r"wütend", r"reicht (?:mir|jetzt)", r"die nase voll",
        r"warte (?:\w+ )?seit", r"warten (?:\w+ )?seit", r"seit (?:\w+ )?(?:tagen|wochen|stunden|monaten)", r"warteschleife", r"niemand (?:antwortet|meldet sich|hilft|geht ran)",
        r"fehler(?:meldung|code)?", r"(?:ein|das|dieses|großes) problem", r"probleme mit", r"gehackt", r"unbefugt",
        r"kündig(?:e|en|ung)", r"wechsle (?:zu|jetzt)", r"nie wieder", r"unzumutbar", r"mangelhaft", r"zum kotzen", r"kalt (?:angekommen|geliefert)", r"eiskalt", r"gestrichen", r"storniert",
        r"warum (?:ist|sind|geht|funktioniert|kommt|bekomme|dauert|wurde|habe ich)", r"wie lange (?:soll|muss|dauert)", r"wann (?:kommt|wird|bekomme ich) (?:\w+ ){0,2}(?:endlich|mein|meine|das|die)", r"wo bleibt",
        r"gesperrt", r"abgelehnt", r"schon wieder", r"zum wiederholten mal", r"zumutung", r"miserabel", r"desaster",
    ],
    "es": [r"sucísim[oa]", r"suci[oa]", r"no puedo (?:abrir|ver|descargar|subir|cambiar|cancelar)", r"no (?:me )?(?:abre|carga|descarga)", r"se quemó", r"falta(?:n)? (?:la mitad|el|la|los|las|mi)", r"me falta", 
        r"no (?:me )?funciona", r"no sirve", r"no (?:va|anda|carga|enciende|arranca|conecta|responde)", r"no me (?:deja|dejan|llega|llegó|contestan|responden|devuelven)", r"no puedo (?:entrar|acceder|conectar|iniciar|pagar|usar|hacer|llamar)",
        r"se (?:cae|cayó|cuelga|colgó|bloquea|bloqueó|rompió|estropeó|apaga)", r"caíd[oa]", r"sin (?:servicio|señal|internet|conexión|luz|respuesta|cobertura|red)", r"rot[oa]", r"averiad[oa]", r"estropead[oa]",
        r"todavía no", r"aún no", r"sigo (?:esperando|sin)", r"sigue sin", r"nunca (?:llegó|llego|me llegó|contestaron|respondieron)", r"no (?:ha |me ha |han )?llegado", r"no llegó",
        r"retras(?:o|ado|ada|os)", r"perdieron", r"perdid[oa] (?:mi|la|el)", r"extraviad[oa]", r"dañad[oa]", r"equivocad[oa]", r"incorrect[oa]",
        r"cobro (?:doble|indebido|duplicado)", r"(?:me )?cobraron (?:dos veces|de más|doble)", r"cobrado dos veces", r"(?:quiero|exijo|dónde está) (?:mi|el) (?:reembolso|dinero)", r"estafa", r"timo", r"ladrones",
        r"pésim[oa]", r"horrible", r"terrible", r"fatal", r"(?:una )?vergüenza", r"inaceptable", r"ridícul[oa]", r"decepcion(?:ado|ada|ante)", r"decepción", r"hart[oa]", r"indignad[oa]",
        r"molest[oa]", r"enfadad[oa]", r"cabread[oa]", r"nadie (?:contesta|responde|me ayuda|atiende|coge)", r"(?:un )?error", r"(?:un |el |este )?problema", r"problemas con", r"fallo", r"falla", r"lentísim[oa]",
        r"hackead[oa]", r"fraude", r"cancelar (?:mi|el|la) (?:cuenta|suscripción|contrato|línea|tarjeta)", r"darme de baja", r"me (?:cambio|voy) a", r"nunca más",
        r"llevo (?:\w+ ){0,2}(?:horas|días|semanas|meses)", r"(?:horas|días|semanas) (?:esperando|sin)", r"lleg[óo] (?:frío|fría|tarde|rot[oa]|abierto)", r"otra vez", r"de nuevo no",
        r"por qué (?:no|mi|el|la|me|siempre|tengo)", r"cuándo (?:me |van a |llega|van)", r"cuánto (?:más )?tengo que esperar", r"dónde está mi", r"bloquead[oa]", r"rechazad[oa]",
        r"mal(?:ísimo|ísima)? servicio", r"mala (?:atención|calidad|experiencia)", r"una (?:pesadilla|porquería|basura|mierda)", r"basura", r"un desastre", r"desastre",
    ],
    "fr": [r"ne tient (?:plus|pas)", r"bruit (?:bizarre|étrange|anormal)", r"impossible de", r"il manque", r"manque (?:la|le|les|une|un)", r"fait (?:un )?bruit", 
        r"(?:ne )?(?:marche|fonctionne|charge|démarre|répond) (?:pas|plus|toujours pas)", r"en panne", r"panne", r"plant(?:é|e|ée|age)", r"bug(?:ue|gue|s)?", r"beug(?:ue|le)?", r"crash",
        r"cassé(?:e|s)?", r"hors service", r"coupure", r"pas de (?:réseau|connexion|internet|signal|réponse|nouvelles|remboursement|retour)", r"aucune? (?:réponse|nouvelle|retour|solution|aide)",
        r"toujours (?:pas|rien|aucun|aucune|en attente|en panne|bloqué)", r"jamais (?:reçu|arrivé|livré|eu de réponse)", r"pas (?:reçu|arrivé|livré|remboursé|encore reçu|satisfait|content)",
        r"(?:en )?retard", r"retardé", r"perdu(?:e)? (?:ma|mon|mes)", r"égaré", r"endommagé(?:e)?", r"abîmé(?:e)?", r"mauvais(?:e)? (?:commande|taille|article|produit|montant)",
        r"(?:prélevé|débité|facturé)(?:e)? (?:deux fois|en double|à tort)", r"double prélèvement", r"(?:je veux|j'exige|où est) (?:mon|le) (?:remboursement|argent)", r"arnaque", r"escroquerie", r"escrocs", r"voleurs",
        r"nul(?:le)?", r"lamentable", r"honteux", r"(?:la )?honte", r"inadmissible", r"inacceptable", r"scandal(?:e|eux)", r"catastroph(?:e|ique)", r"déçu(?:e)?", r"décevant", r"déception",
        r"(?:j'en ai )?marre", r"ras le bol", r"énervé(?:e)?", r"furieux", r"furieuse", r"agacé(?:e)?", r"personne ne (?:répond|décroche|m'aide|rappelle)", r"(?:une )?erreur", r"(?:un |le |ce )?problème", r"(?:un )?souci",
        r"piraté", r"fraude", r"résili(?:er|ation|e)", r"je (?:pars|passe) chez", r"plus jamais", r"j'attends", r"attend(?:s)? depuis", r"depuis (?:\w+ ){0,2}(?:heures|jours|semaines|mois)",
        r"arrivé(?:e)? (?:froid(?:e)?|en retard|cassé(?:e)?|ouvert(?:e)?)", r"(?:encore|à nouveau) (?:une )?(?:panne|coupure|retard|fois)", r"encore une fois", r"bloqué(?:e)?", r"refusé(?:e)?",
        r"pourquoi (?:mon|ma|mes|le|la|les|je|on|vous|ça|c'est|est-ce|il|elle)", r"combien de temps (?:encore|faut-il|dois-je)", r"quand (?:vais-je|est-ce que je|allez-vous|sera)", r"où est (?:mon|ma|passé)",
        r"service (?:client )?(?:nul|déplorable|inexistant)", r"cauchemar", r"galère", r"n'importe quoi", r"inutilisable", r"lent(?:e)? (?:à mourir|comme)",
    ],
    "ar": [r"قفلوا", r"قفل (?:الخط|في وجهي)", r"ما (?:تشحن|يشحن)", r"لا (?:تشحن|يشحن)", r"ناقص", r"فيه خطا", r"رساله خطا", r"خطا في", 
        r"لا يعمل", r"ما يشتغل", r"ما يشتغلش", r"مش شغال", r"مو شغال", r"لا يشتغل", r"ما تشتغل", r"مش شغاله", r"معطل", r"عطلان", r"تعطل", r"خربان", r"خرب", r"خربت", r"متوقف", r"توقف",
        r"انقطاع", r"انقطع", r"انقطعت", r"مقطوع", r"مقطوعه", r"ما في (?:شبكه|نت|انترنت|خدمه|تغطيه)", r"مافي (?:شبكه|نت|انترنت|خدمه|تغطيه)", r"لا توجد (?:شبكه|خدمه|تغطيه)", r"بدون (?:شبكه|نت|خدمه|رد)",
        r"ما وصل", r"لم يصل", r"ما وصلت", r"لم تصل", r"ما وصلني", r"لم يصلني", r"ما وصلتني", r"لسه ما", r"لسا ما", r"للحين ما", r"حتى الان (?:لم|ما)", r"لحد الان", r"ما زلت (?:انتظر|بانتظار)", r"مازلت انتظر", r"انتظر من",
        r"تاخير", r"متاخر", r"متاخره", r"تاخرت", r"تاخر", r"ضاع", r"ضايع", r"ضاعت", r"مفقود", r"مفقوده", r"تالف", r"تالفه", r"مكسور", r"غلط",
        r"مشكله", r"مشاكل", r"سيء", r"سيئه", r"زفت", r"اسوا", r"فاشل", r"فاشله", r"مقرف", r"مهزله", r"فضيحه", r"حرام عليكم", r"محد يرد", r"لا احد يرد", r"ما حد يرد", r"ما احد يرد", r"ما يردون", r"لا يردون", r"ولا رد",
        r"(?:خصم|سحب|انسحب|انخصم)(?:وا)? (?:\w+ )?مرتين", r"خصموا", r"سحبوا", r"ابي فلوسي", r"ابغى فلوسي", r"اريد استرداد", r"نصب", r"نصابين", r"احتيال", r"حراميه",
        r"بطيء", r"بطيئه", r"اخترق", r"اختراق", r"مخترق", r"الغاء (?:الاشتراك|حسابي|اشتراكي|العقد)", r"الغي (?:اشتراكي|حسابي)", r"ساغير", r"راح اغير", r"بغير الشركه", r"بنتقل", r"راح انتقل",
        r"للاسف", r"مستاء", r"زعلان", r"منزعج", r"غاضب", r"خيبه امل", r"حسبي الله", r"وصل بارد", r"بارد", r"ليش (?:ما|كل|الطلب|الخدمه|النت|التطبيق|الفاتوره|انا)", r"لماذا (?:لم|لا|تم)", r"الى متى", r"لمتى",
        r"وين طلبي", r"اين طلبي", r"يعلق", r"علق", r"معلق", r"ما يفتح", r"لا يفتح", r"ما اقدر", r"لا استطيع", r"مرفوض", r"رفض", r"موقوف", r"سيئ", r"خدمه سيئه", r"تعبت", r"طفشت", r"قرفت",
    ],
}

# leans towards a complaint without saying it: two of these make one
HINT = {
    "en": [r"finally", r"what happened", r"\?!", r"is it normal", r"supposed to", r"anyone else", r"even though", r"not even", r"paid for", r"again", r"why", r"still", r"hours", r"days", r"weeks", r"please help", r"help me", r"help!+", r"urgent(?:ly)?", r"asap", r"seriously",
           r"problem", r"issues?", r"slow", r"late", r"bug", r"waiting", r"wait", r"complain(?:t|ing)?", r"ugh+", r"smh", r"wtf", r"what the", r"come on",
           r"no way", r"really\?", r"dm'?d you", r"sent (?:you )?a dm", r"not", r"nothing", r"never", r"expensive", r"missing", r"error", r"hold",
           r"[😡🤬😤😠😞😢😭💔👎]"],
    "de": [r"wieder", r"warum", r"immer noch", r"stunden", r"tagen", r"wochen", r"bitte helft", r"hilfe", r"dringend", r"ernsthaft", r"problem", r"langsam", r"spät", r"warten", r"leider", r"beschwerde", r"nicht", r"nichts", r"teuer"],
    "es": [r"otra vez", r"por qué", r"todavía", r"horas", r"días", r"semanas", r"ayuda", r"urgente", r"en serio", r"problema", r"lento", r"tarde", r"esperando", r"queja", r"reclamación", r"no", r"nada", r"caro"],
    "fr": [r"encore", r"pourquoi", r"toujours", r"heures", r"jours", r"semaines", r"aidez-moi", r"aide", r"urgent", r"sérieusement", r"problème", r"lent", r"tard", r"attente", r"réclamation", r"plainte", r"pas", r"rien", r"cher"],
    "ar": [r"مره ثانيه", r"كالعاده", r"ليش", r"لماذا", r"ليه", r"ساعات", r"ايام", r"اسابيع", r"ساعدوني", r"مساعده", r"ضروري", r"عاجل", r"بطء", r"انتظر", r"شكوى", r"ما", r"لا", r"غالي"],
}

PRAISE = {
    "en": [r"fastest", r"quickest", r"so kind", r"kind", r"easy", r"easier", r"made (?:our|my) (?:day|trip)", r"love(?:d|s)?", r"loving", r"thanks?(?: you)?", r"thx", r"ty", r"cheers", r"great", r"amazing", r"awesome", r"excellent", r"fantastic", r"brilliant", r"perfect(?:ly)?",
           r"best", r"wonderful", r"impressed", r"impressive", r"kudos", r"shout ?out", r"props to", r"well done", r"good job", r"nice", r"happy", r"delighted", r"pleased",
           r"recommend", r"appreciate(?:d)?", r"helpful", r"superb", r"outstanding", r"smooth", r"flawless", r"lifesaver", r"life saver", r"top notch", r"blown away", r"beautiful", r"gorgeous",
           r"legend(?:s|ary)?", r"stellar", r"quick(?:ly)?", r"fast", r"friendly", r"glad", r"a+mazing", r"obsessed", r"game ?changer", r"10/10", r"five stars", r"5 stars",
           r"[❤️😍🙌👏👍🥰😊💯🎉✨💙💚💜🤩😁]"],
    "de": [r"bestes", r"gerettet"  # not "schön": folded it is "schon" (already)
          , r"danke(?: schön)?", r"vielen dank", r"super", r"toll", r"klasse", r"großartig", r"genial", r"perfekt", r"top", r"spitze", r"begeistert", r"liebe", r"empfehle(?:n|nswert)?",
           r"zufrieden", r"schnell", r"hilfreich", r"freundlich", r"beste(?:r|n)?", r"prima", r"wunderbar", r"hammer", r"mega", r"klasse", r"gerne wieder", r"großes lob", r"lob"],
    "es": [r"de diez", r"calentit[oa]", r"amable", r"me salvasteis", r"rapidísim[oa]s?", r"gracias", r"genial", r"excelente", r"increíble", r"me encanta(?:n|ó)?", r"encantad[oa]", r"perfect[oa]", r"maravillos[oa]", r"buenísim[oa]", r"muy buen[oa]", r"mejor(?:es)?",
           r"fantástic[oa]", r"rápid[oa]", r"recomiendo", r"feliz", r"content[oa]", r"bravo", r"crack", r"top", r"felicidades", r"de lujo", r"un diez", r"amables?"],
    "fr": [r"merci", r"génial(?:e)?", r"super", r"excellent(?:e)?", r"parfait(?:e)?", r"top", r"bravo", r"j'adore", r"adore", r"j'aime", r"incroyable", r"formidable", r"rapide(?:ment)?",
           r"recommande", r"content(?:e)?", r"ravi(?:e)?", r"satisfait(?:e)?", r"chapeau", r"magnifique", r"efficace", r"au top", r"impeccable", r"nickel", r"félicitations", r"sympa"],
    "ar": [r"شكرا", r"مشكور(?:ين)?", r"يعطيكم العافيه", r"رائع", r"رائعه", r"ممتاز", r"ممتازه", r"جميل", r"جميله", r"حلو", r"حلوه", r"احسن", r"افضل", r"احب", r"حبيت", r"عجبني", r"عجبتني",
           r"مبدع(?:ين)?", r"تحفه", r"سريع", r"سريعه", r"ما شاء الله", r"الله يعطيكم", r"كفو", r"ابطال", r"تسلم(?:ون)?", r"يسلمو", r"انصح", r"راضي", r"مبسوط", r"شكر"],
}

# a problem already solved: the thanks that follow are praise
RESOLVED = {
    "en": [r"(?:got |been |all )?(?:fixed|sorted|resolved|solved)(?: it| now| quickly| in minutes| straight away| within)?", r"works? (?:again|now|perfectly|great|fine)", r"back (?:up|online|to normal)",
           r"(?:finally )?arrived (?:today|safely|on time|early)", r"refund (?:came through|arrived|received)", r"(?:got|received) my refund", r"(?:turned|sorted) (?:it )?around", r"went above and beyond", r"saved the day"],
    "de": [r"(?:schnell |sofort )?(?:behoben|gelöst|erledigt)", r"funktioniert (?:wieder|jetzt)", r"geht wieder", r"wieder online", r"(?:doch noch |pünktlich )angekommen", r"geld (?:ist )?zurück"],
    "es": [r"(?:me lo |lo )?resolvieron", r"lo arregl(?:ó|aron)", r"(?:ya )?(?:resuelto|solucionado|arreglado)", r"(?:ya )?funciona (?:de nuevo|otra vez|perfecto|bien)", r"ya (?:va|anda|llegó)", r"llegó (?:a tiempo|antes|perfecto)"],
    "fr": [r"(?:vite |rapidement )?(?:résolu|réglé|corrigé|réparé)", r"(?:ça )?(?:marche|fonctionne) (?:à nouveau|de nouveau|maintenant|nickel)", r"(?:bien )?(?:arrivé|reçu) (?:à temps|en avance|aujourd'hui)"],
    "ar": [r"(?:تم )?(?:حل|انحلت|انحل|تصليح|اصلاح)", r"اشتغل (?:الحين|الان|مره ثانيه)", r"رجع (?:يشتغل|النت|الخط)", r"وصل (?:بالوقت|سليم)"],
}

# a problem word under negation: not a complaint ("no problems so far")
CANCEL = {
    "en": [r"not (?:a single|one) (?:issue|problem|complaint|hiccup)", r"no longer (?:my|a) (?:enemy|problem|issue|worry)", r"no (?:more|longer) (?:problems?|issues?|worries)", r"no (?:problems?|issues?|complaints?)", r"never (?:had|have) (?:a|any) (?:problems?|issues?)", r"without (?:any )?(?:problems?|issues?|a hitch|delay)", r"not (?:disappointed|a problem)",
           r"zero (?:issues|problems)", r"not (?:once )?(?:let me down|failed)", r"(?:never|not) (?:lets?|let) (?:me|us) down", r"no (?:delays?|wait)", r"didn'?t disappoint", r"worth the wait"],
    "de": [r"ohne (?:probleme|problem|ärger)", r"kein(?:e)? (?:problem(?:e)?|beschwerden)", r"ohne (?:probleme|verspätung)", r"nie (?:probleme|ärger)"],
    "es": [r"(?:sin|ningún|ni un) (?:problemas?|retraso)", r"nunca (?:he tenido|tuve) (?:problemas|ningún problema)", r"cero problemas"],
    "fr": [r"(?:pas de|aucun|sans|zéro) (?:souci|problème|retard)s?", r"jamais (?:eu de|de) (?:problème|souci)s?"],
    "ar": [r"(?:ما في|مافي|لا|بدون|ولا) (?:مشكله|مشاكل|تاخير)"],
}

SARCASM = {
    "en": [r"(?:great|wonderful|fantastic|awesome|perfect|brilliant|lovely|nice|amazing|superb|splendid),? (?:another|again|more|yet another|just what|thanks|so|one more)",
           r"thanks? (?:a lot |so much )?for (?:nothing|losing|breaking|ruining|the (?:delay|outage|wait)|wasting|charging|cancell?ing|making me|leaving)", r"yeah,? right", r"/s\b", r"[🙄😒🙃]",
           r"so much for", r"just what i needed", r"love (?:how|that|it when|being|waiting|paying|getting)", r"(?:nice|good|great) (?:job|work),? (?:\w+ ){0,3}(?:again|losing|breaking|charging|cancel)",
           r"way to go", r"thanks for (?:the )?(?:\w+ ){0,2}(?:hours?|days?) (?:on hold|of waiting|wait)", r"clap(?:ping)? emoji", r"thanks? (?:you )?for the \d+[- ]?(?:min|minute|hour|day)", r"oh (?:great|joy|wonderful|lovely)", r"my favou?rite (?:thing|part|hobby)",
           r"as usual", r"as always", r"once again", r"yet again", r"(?:every|each) (?:single )?(?:time|day|morning|week)", r"what (?:a|an) (?:surprise|shock)", r"who (?:knew|would have thought)", r"shocker",
           r"10/10 would(?: not)?", r"stellar (?:service|job) as (?:usual|always)"],
    "de": [r"(?:super|toll|klasse|prima|danke),? (?:schon wieder|wieder mal|wieder einmal|noch ein|für nichts)", r"wie immer", r"wie üblich", r"mal wieder", r"wieder mal", r"jeden (?:tag|morgen)", r"danke für nichts", r"ganz toll"],
    "es": [r"(?:genial|perfecto|gracias|qué bien|estupendo),? (?:otra vez|de nuevo|otro|por nada)", r"como siempre", r"como de costumbre", r"una vez más", r"todos los días", r"gracias por nada", r"qué sorpresa"],
    "fr": [r"(?:génial|super|parfait|merci|bravo),? (?:encore|une fois de plus|pour rien|comme d'habitude)", r"comme d'habitude", r"comme toujours", r"une fois de plus", r"tous les jours", r"merci pour rien", r"quelle surprise", r"bravo pour"],
    "ar": [r"(?:شكرا|ممتاز|رائع|حلو)(?: جدا)? (?:على|علي) (?:التاخير|الانقطاع|الخدمه السيئه|لا شي|ولا شي)", r"كالعاده", r"زي العاده", r"مثل العاده", r"كل يوم", r"كل مره", r"يا سلام"],
}

LEAD = {
    "en": [r"(?:any )?deals? (?:for|on)", r"discounts?", r"catering", r"(?:join|partner with|list (?:my|our) \w+ on) your (?:platform|app|network)", r"group (?:fares?|rates?|bookings?|discount)", r"fees for (?:a|an|the) \w+ account", r"(?:my|our) restaurant (?:join|on)", r"how much (?:is|are|does|do|for|would|will)", r"(?:what'?s|what is|what are) (?:the )?(?:price|pricing|cost)", r"price(?:s|d)?", r"pricing", r"(?:get|request|send(?: me)?) a quote", r"quote for",
           r"(?:book|schedule|request|get|see) a demo", r"demo", r"(?:free )?trial", r"where (?:can|do) (?:i|we) (?:buy|get|find|order|purchase)", r"(?:want|looking|planning|going) to (?:buy|order|purchase|get one|switch to you)",
           r"(?:do you|can you) ship to", r"available in", r"in stock", r"business (?:plan|account|tier|package|pricing)", r"enterprise (?:plan|pricing|tier|license)?",
           r"for (?:my|our) (?:team|company|business|staff|office|fleet|employees|shop|restaurant|school|startup)", r"sales (?:team|rep|contact|department)", r"contact sales", r"talk to (?:sales|someone about buying)",
           r"bulk (?:order|pricing|discount)", r"wholesale", r"reseller", r"become a (?:partner|dealer|stockist)", r"discount (?:code|for)", r"student discount", r"interested in (?:buying|getting|your|the|a)",
           r"thinking (?:of|about) (?:buying|getting|ordering|switching to|signing up)", r"considering (?:buying|getting|switching|your)", r"should i (?:buy|get|switch)", r"(?:worth|recommend) (?:buying|getting)",
           r"how (?:do|can) i (?:sign up|order|subscribe|buy|get one|get started|join)", r"(?:sign|signing) up for", r"do you (?:offer|have|sell|do) (?:a |an |any )?(?:plan|plans|package|financing|installments|leasing|subscription|trial|discount)",
           r"take my money", r"shut up and take", r"where do i sign", r"(?:can|could) (?:i|we) (?:get|have) (?:a|some) (?:info|information|brochure|catalog)", r"financing", r"lease", r"leasing", r"test ride", r"test drive"],
    "de": [r"gruppentarife?", r"catering", r"mitmachen", r"(?:mein|unser) restaurant", r"was kostet", r"wie ?viel kostet", r"kostet", r"kosten", r"preis(?:e|liste)?", r"kosten für", r"angebot (?:für|erstellen|anfragen)", r"(?:ein )?angebot", r"demo", r"testversion", r"probefahrt", r"testen",
           r"kaufen", r"bestellen", r"wo (?:kann|bekomme|finde) ich", r"erhältlich", r"lieferbar", r"für (?:unser|mein|unsere|meine) (?:team|unternehmen|firma|büro|mitarbeiter|flotte|praxis)",
           r"geschäftskunden", r"firmenkunden", r"händler", r"rabatt", r"interessiere mich", r"interesse an", r"überlege(?:n)? (?:\w+ ){0,3}(?:zu kaufen|zu holen|zu wechseln|anzuschaffen)", r"leasing", r"ratenzahlung", r"tarif für (?:firmen|unternehmen|geschäftskunden)"],
    "es": [r"tarifas? para (?:grupos|empresas)", r"comisiones", r"dar de alta (?:mi|nuestro) (?:restaurante|negocio|tienda)", r"cuánto (?:cuesta|cuestan|vale|valen|sale|es)", r"precio(?:s)?", r"cotización", r"presupuesto", r"demo(?:stración)?", r"prueba gratis", r"periodo de prueba", r"comprar", r"dónde (?:puedo )?(?:compr|consegu|encontr)",
           r"venden", r"disponible en", r"(?:envían|hacen envíos) a", r"para (?:mi|nuestra|nuestro) (?:empresa|equipo|negocio|oficina|flota|tienda|restaurante)", r"plan (?:empresa|empresarial|business|para empresas)",
           r"distribuidor", r"descuento", r"me interesa(?:n)?", r"interesad[oa] en", r"quiero (?:comprar|contratar|pedir)", r"contratar", r"financiación", r"a plazos", r"prueba de manejo"],
    "fr": [r"essayer", r"inscrire (?:mon|notre) (?:restaurant|commerce|boutique)", r"tarifs? (?:pour|du|des|de groupe)", r"quel(?:s)? tarifs?", r"vos tarifs", r"combien (?:coûte|coûtent|ça coûte|pour)", r"quel est le (?:prix|tarif)", r"prix", r"devis", r"démo(?:nstration)?", r"essai gratuit", r"acheter", r"commander",
           r"où (?:peut-on|puis-je|est-ce qu'on peut) (?:acheter|trouver|commander)", r"disponible (?:en|au|à)", r"pour (?:mon|notre|ma) (?:entreprise|équipe|société|boutique|flotte|cabinet)",
           r"offre (?:pro|entreprise|professionnelle)", r"revendeur", r"remise", r"intéressé(?:e)? par", r"je (?:voudrais|souhaite|veux) (?:acheter|commander|souscrire|essayer)", r"souscrire", r"location longue durée", r"financement", r"essai"],
    "ar": [r"رسوم", r"اسجل مطعمي", r"تسجيل (?:مطعمي|المطعم)", r"الاسعار للمجموعات", r"كم (?:سعر|السعر|تكلفه|يكلف|الاشتراك|سعره)", r"بكم", r"السعر", r"سعر", r"الاسعار", r"اسعار", r"التكلفه", r"عرض سعر", r"عرض تجريبي", r"تجربه مجانيه", r"اشتري", r"شراء",
           r"(?:من )?(?:وين|اين|من فين) (?:اشتري|اقدر اشتري|اطلب)", r"متوفر", r"متوفره", r"للشركات", r"لشركتي", r"لفريقي", r"لموظفين", r"موزع", r"وكيل", r"خصم", r"مهتم", r"مهتمه",
           r"(?:ابغى|ابي|اريد|بدي) (?:اشتري|اشترك|اطلب|شراء)", r"اشتراك (?:الشركات|للشركات)", r"تقسيط", r"اقساط"],
}

QUESTION = {
    "en": [r"how (?:do|does|can|to|long|much|many|often)", r"what (?:is|are|does|do|time|kind|about)", r"when (?:is|are|does|do|will|can)", r"where (?:is|are|can|do)", r"which", r"who (?:do|can|should)",
           r"(?:can|could|do|does|is|are|will|would|should|may) (?:i|you|we|it|there|this|the|my)", r"any (?:way|idea|chance|news|update|plans)", r"is it possible", r"wondering", r"anyone know"],
    "de": [r"wie (?:kann|geht|lange|viel|funktioniert|mache)", r"was (?:ist|kann|muss|mache)", r"wann (?:kommt|ist|gibt|öffnet|wird)", r"wo (?:ist|finde|kann|gibt)", r"welche(?:r|s|n)?",
           r"(?:kann|könnt|könnte|gibt es|habt ihr|ist es|ist das|muss ich|darf ich|kann man|bietet ihr)", r"weiß jemand", r"frage"],
    "es": [r"cómo (?:puedo|se|hago|funciona)", r"qué (?:es|pasa|hago|tengo|hay)", r"cuándo (?:abre|sale|es|llega)", r"dónde (?:está|puedo|se)", r"cuál", r"(?:puedo|pueden|se puede|hay|tienen|es posible)", r"alguien sabe", r"pregunta"],
    "fr": [r"comment (?:faire|on|je|puis-je|ça)", r"quand (?:est-ce|sera|ouvre)", r"où (?:est|trouver|puis-je)", r"quel(?:le)?(?:s)?", r"est-ce (?:que|qu'on)", r"(?:pouvez-vous|peut-on|puis-je|y a-t-il|avez-vous|faut-il)", r"quelqu'un sait", r"question"],
    "ar": [r"كيف", r"متى", r"وين", r"اين", r"هل", r"ايش", r"شو", r"ماذا", r"ممكن", r"اقدر", r"يمكنني", r"سؤال", r"استفسار", r"ابغى اعرف", r"ابي اعرف"],
}

CONTRAST = {
    "en": [r"but", r"however", r"although", r"though", r"except", r"only (?:problem|issue|thing)", r"shame (?:that|about)", r"pity"],
    "de": [r"aber", r"jedoch", r"allerdings", r"leider", r"nur (?:schade|dass)", r"schade"],
    "es": [r"pero", r"sin embargo", r"aunque", r"lástima", r"lo único", r"eso sí"],
    "fr": [r"mais", r"cependant", r"pourtant", r"par contre", r"sauf que", r"dommage", r"seul (?:bémol|souci|problème)"],
    "ar": [r"لكن", r"بس", r"الا ان", r"مع ان", r"للاسف", r"خساره"],
}

NEGATORS = {
    "en": [r"not", r"no", r"never", r"\w+n't", r"(?:do|does|did|is|are|was|were|has|have|had|ca|wo|could|would|should)nt", r"hardly", r"nothing"],
    "de": [r"nicht", r"kein(?:e|en)?", r"nie", r"niemals"],
    "es": [r"no", r"nunca", r"jamás", r"ni", r"nada"],
    "fr": [r"pas", r"jamais", r"plus", r"aucun(?:e)?", r"ni", r"rien"],
    "ar": [r"لا", r"ما", r"مش", r"مو", r"لم", r"لن", r"ليس", r"غير", r"مب"],
}

# urgency: what makes a message high urgency, and the word that says it
URGENCY = {
    "safety": {
        "en": [r"fire", r"caught fire", r"on fire", r"smok(?:e|ing)", r"burn(?:ed|t|ing|s)?", r"explod(?:ed|ing|e)", r"explosion", r"overheat(?:ing|ed|s)?", r"swollen", r"swelling", r"injur(?:y|ed|ies)",
               r"hurt (?:me|my|myself|him|her)", r"hospital", r"\ber\b", r"accident", r"brakes? (?:failed|failure|stopped|don'?t work|gave out)", r"sparks?", r"electric shock", r"electrocut\w*", r"food poisoning",
               r"allergic reaction", r"anaphyla\w+", r"unsafe", r"dangerous", r"danger", r"fell off", r"choking", r"emergency", r"carbon monoxide", r"gas leak"],
        "de": [r"feuer", r"brand", r"brennt", r"rauch", r"qualmt", r"explodiert", r"gequalmt", r"qualm", r"überhitzt", r"verletzt", r"verletzung", r"krankenhaus", r"notaufnahme", r"unfall", r"bremse(?:n)? (?:versagt|versagen|defekt)",
               r"stromschlag", r"gefährlich", r"lebensmittelvergiftung", r"allergische reaktion", r"notfall", r"gestürzt"],
        "es": [r"fuego", r"incendio", r"humo", r"explot(?:ó|a)", r"quem(?:adura|ó|a)", r"sobrecalent\w+", r"herid[oa]", r"lesión", r"hospital", r"urgencias", r"accidente", r"frenos?", r"descarga eléctrica",
               r"peligros[oa]", r"intoxicación", r"reacción alérgica", r"emergencia", r"me caí"],
        "fr": [r"feu", r"incendie", r"fumée", r"explos(?:é|ion)", r"brûl(?:é|ure)", r"surchauffe", r"blessé(?:e)?", r"blessure", r"hôpital", r"urgences", r"accident", r"freins?", r"électrocut\w*",
               r"dangereu(?:x|se)", r"intoxication", r"réaction allergique", r"chute"],
        "ar": [r"حريق", r"احترق", r"احترقت", r"دخان", r"انفجر", r"انفجرت", r"انفجار", r"سخونه", r"اصابه", r"اصبت", r"مصاب", r"المستشفى", r"مستشفى", r"الطوارئ", r"حادث", r"الفرامل", r"فرامل",
               r"خطير", r"خطر", r"تسمم", r"حساسيه", r"صعق", r"كهربني"],
    },
    "legal": {
        "en": [r"lawyers?", r"attorney", r"\bsue\b", r"suing", r"lawsuit", r"legal action", r"legal", r"court", r"small claims", r"police", r"regulator", r"ombudsman", r"consumer protection", r"trading standards",
               r"\bfcc\b", r"\bofcom\b", r"\bbbb\b", r"\bcfpb\b", r"class action", r"solicitor", r"report(?:ing)? you to"],
        "de": [r"anwalt", r"anwältin", r"rechtsanwalt", r"klage", r"verklag\w+", r"gericht", r"polizei", r"anzeige", r"verbraucherzentrale", r"bundesnetzagentur", r"rechtliche schritte", r"schlichtungsstelle"],
        "es": [r"abogad[oa]", r"demanda(?:r)?", r"denunci(?:ar|a|aré)", r"juicio", r"tribunal", r"policía", r"consumo", r"\bomic\b", r"profeco", r"vía legal", r"acciones legales"],
        "fr": [r"avocat(?:e)?", r"porter plainte", r"plainte", r"procès", r"tribunal", r"police", r"gendarmerie", r"\bufc\b", r"dgccrf", r"mise en demeure", r"justice", r"médiateur"],
        "ar": [r"محامي", r"محاميه", r"قضيه", r"محكمه", r"المحكمه", r"دعوى", r"شكوى رسميه", r"الشرطه", r"حمايه المستهلك", r"هيئه الاتصالات", r"وزاره التجاره", r"بلاغ"],
    },
    "outage": {
        "en": [r"outage", r"(?:is|are|went|still|been|goes) down", r"down again", r"offline", r"no (?:service|signal|internet|network|coverage|connection)", r"servers? (?:are |is )?down", r"(?:is|are) (?:\w+ ){0,2}down\?",
               r"not working for (?:anyone|everyone|anybody)", r"(?:everyone|anyone else|anybody else) (?:having|getting|seeing)", r"blackout", r"service disruption"],
        "de": [r"störung", r"ausfall", r"ausgefallen", r"offline", r"kein(?:e)? (?:netz|internet|empfang|verbindung)", r"geht gar nichts", r"netz weg", r"down"],
        "es": [r"caíd[oa]", r"caída", r"sin (?:servicio|señal|internet|red|conexión)", r"no funciona nada", r"fuera de servicio", r"se cayó"],
        "fr": [r"panne", r"en panne", r"coupure", r"hors service", r"pas de (?:réseau|connexion|internet)", r"down", r"hors ligne"],
        "ar": [r"انقطاع", r"مقطوع", r"انقطع", r"انقطعت", r"ما في شبكه", r"مافي شبكه", r"مافي نت", r"ما في نت", r"طايح", r"طايحه", r"عطل عام", r"داون"],
    },
    "data": {
        "en": [r"hacked", r"breach", r"leak(?:ed)?", r"my (?:personal )?data", r"personal (?:data|information|details)", r"privacy", r"someone (?:logged|accessed|used|got into)", r"unauthori[sz]ed (?:access|login)",
               r"phishing", r"identity theft", r"gdpr", r"exposed", r"compromised"],
        "de": [r"gehackt", r"datenleck", r"meine daten", r"datenschutz", r"dsgvo", r"phishing", r"unbefugt\w*", r"fremder zugriff"],
        "es": [r"hacke(?:ado|aron|ada)", r"filtración", r"mis datos", r"datos personales", r"privacidad", r"suplantación", r"phishing", r"rgpd"],
        "fr": [r"piraté(?:e)?", r"fuite de données", r"mes données", r"données personnelles", r"rgpd", r"usurpation", r"phishing", r"hameçonnage"],
        "ar": [r"اختراق", r"اخترق", r"مخترق", r"بياناتي", r"تسريب", r"الخصوصيه", r"انتحال", r"تصيد"],
    },
    "payment": {
        "en": [r"charged (?:me )?(?:twice|double|again|two times|without)", r"double[- ]charged", r"overcharg\w+", r"refund", r"money (?:taken|gone|back|missing)", r"took my money", r"payment (?:failed|declined|missing|taken|went through twice)",
               r"unauthori[sz]ed (?:charge|payment|transaction|debit)", r"debited", r"billing (?:error|mistake|issue|problem)", r"(?:wrong|incorrect) (?:bill|charge|amount)", r"card (?:was )?(?:declined|charged|blocked)", r"fraud\w*"],
        "de": [r"doppelt (?:abgebucht|belastet|berechnet)", r"abgebucht", r"abbuchung", r"falsche rechnung", r"erstattung", r"rückerstattung", r"geld (?:zurück|weg|abgebucht)", r"zahlung (?:fehlgeschlagen|abgelehnt)", r"betrug"],
        "es": [r"cobr(?:o|aron|ado) (?:doble|dos veces|de más|indebido|duplicado)", r"me cobraron", r"reembolso", r"devolución (?:del dinero|de mi dinero)", r"factura (?:incorrecta|equivocada)", r"mi dinero", r"pago (?:rechazado|duplicado)", r"fraude"],
        "fr": [r"(?:prélevé|débité|facturé)(?:e)? (?:deux fois|en double|à tort)", r"prélèvement", r"remboursement", r"rembourse(?:z|r)", r"facture (?:erronée|fausse)", r"mon argent", r"paiement (?:refusé|en double)", r"fraude"],
        "ar": [r"(?:خصم|سحب|انسحب|انخصم)(?:وا)? (?:\w+ )?مرتين", r"خصموا", r"سحبوا", r"فلوسي", r"المبلغ", r"استرداد", r"استرجاع", r"الفاتوره (?:غلط|خطا)", r"فاتوره", r"رصيدي"],
    },
    "churn": {
        "en": [r"(?:cancel|close|closing|cancelling|canceling|end|ending) (?:my|our) (?:account|subscription|contract|membership|plan|service)", r"(?:i'?m|im|i am|we'?re|we are|i'?ll|we'?ll|gonna|going to) (?:be )?(?:switch(?:ing)?|mov(?:e|ing)|leav(?:e|ing)|go(?:ing)?) (?:to|back to|over to) (?!you\b)",
               r"switching (?:providers|carriers|banks|airlines)", r"taking my business elsewhere", r"never again", r"lost (?:a|another) customer", r"done with you", r"unsubscrib\w+", r"(?:i|we) (?:quit|am leaving|'m leaving)"],
        "de": [r"kündig(?:e|en|ung)", r"wechsle (?:zu|jetzt)", r"wechseln zu", r"nie wieder", r"anbieter wechseln", r"verlasse euch"],
        "es": [r"dar(?:me)? de baja", r"cancelar (?:mi|el|la) (?:cuenta|suscripción|contrato|línea)", r"me cambio (?:a|de)", r"me voy (?:a|con)", r"cambiarme (?:a|de)", r"nunca más", r"portabilidad"],
        "fr": [r"résili(?:er|ation|e)", r"je (?:pars|passe) chez", r"changer (?:d'opérateur|de banque|de fournisseur)", r"plus jamais", r"clôturer mon compte"],
        "ar": [r"الغاء (?:الاشتراك|حسابي|اشتراكي|العقد)", r"الغي (?:اشتراكي|حسابي)", r"راح اغير", r"ساغير", r"بغير الشركه", r"انتقل (?:الى|ل)", r"بنتقل", r"ما راح ارجع", r"اخر مره"],
    },
}


@lru_cache(maxsize=100_000)
def normalise(text: str) -> str:
    """The form messages and fragments are compared in: Arabic folded, accents off, case
    folded, typographic apostrophes as "'" and runs of whitespace as one space."""
    text = fold(text).replace("’", "'").replace("‘", "'")
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        # keep combining marks that are part of emoji sequences (variation selectors are Mn
        # only for U+FE0F, which we may drop); drop accents and Arabic harakat
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.casefold().split())


_AR_PREFIX = r"(?:[وف])?(?:[بلك])?(?:ال)?"
_AR_SUFFIX = r"(?:ه|ها|ي|نا|كم|هم|ني|ك|ين|ون|ات)?"


def _fragment(pattern: str, lang: str) -> str:
    # fold the fragment as messages are folded, keeping its regex syntax
    folded = normalise(pattern) if not pattern.startswith("[") else pattern
    if lang == "ar":
        return _AR_PREFIX + folded + _AR_SUFFIX
    return folded


def _by_first_letter(parts: list[str]) -> str:
    """The alternatives grouped under their first letter ("a(?:…|…)|b(?:…)"): the regex
    engine then tries one group per position instead of every phrase, several times faster
    on these few-hundred-phrase signals. Fragments that start with syntax stay as they are."""
    groups: dict[str, list[str]] = {}
    rest = []
    for part in parts:
        first = part[:1]
        if first and (first.isalnum() or first in "'") and part[1:2] not in ("?", "*", "+", "{"):
            groups.setdefault(first, []).append(part[1:])
        else:
            rest.append(part)
    grouped = [re.escape(first) + "(?:" + "|".join(tails) + ")" for first, tails in groups.items()]
    return "|".join(grouped + rest)


def compile_signal(table: dict[str, list[str]]) -> re.Pattern[str]:
    """One regex for a signal over every language: whole words only (a fragment never
    matches inside a longer word), longest alternatives first."""
    parts = sorted({_fragment(p, lang) for lang, patterns in table.items() for p in patterns},
                   key=len, reverse=True)
    emoji = [p for p in parts if p.startswith("[")]
    words = [p for p in parts if not p.startswith("[")]
    alternatives = [rf"(?<!\w)(?:{_by_first_letter(words)})(?![\w])"] if words else []
    if emoji:
        alternatives.append("|".join(emoji))
    return re.compile("|".join(alternatives))
