"""The codebook: how a sentence becomes a fact. Printed on /about/, applied to every record.

Each rule names the field it governs, says how it is decided, and points at records of the shipped
data that show it (by ref); `tests/test_codebook.py` checks every example exists and is published.
"""

from dataclasses import dataclass, field

from pledges.models import STATUS_DESCRIPTIONS, Status


@dataclass(frozen=True)
class Rule:
    key: str
    term: str
    rule: str
    examples: tuple[str, ...] = field(default=())  # pledge refs
    status: str = ""  # the status the rule defines, if any
    # The same in Ukrainian, shown by `pledges.translations.translated` on Ukrainian pages; the
    # source's words quoted in “…” stay in English.
    term_uk: str = ""
    rule_uk: str = ""


STATUS_RULES = (
    Rule(
        "proposed",
        "Proposed",
        "An idea or plan put forward, with no offer to carry it out: “backs a plan”, “proposes”, “the plan "
        "will be built on”. A plan described by one actor is recorded for that actor, not for those it "
        "would involve.",
        examples=(
            "italy-collective-defence-article-5-proposal-2025-03",
            "eu-security-guarantees-three-pillar-plan",
        ),
        status=Status.PROPOSED,
        term_uk="Запропоновано",
        rule_uk=(
            "Ідея чи план, висунуті без пропозиції їх утілити: “backs a plan”, “proposes”, “the plan will "
            "be built on”. План, який описує один учасник, записують за цим учасником, а не за тими, кого "
            "він стосувався б."
        ),
    ),
    Rule(
        "willing",
        "Willing",
        "Offered, ready or open to it, often on conditions: “ready to”, “willing to”, “prepared to pay”, "
        "“signalled openness”, “indicated it’s ready”. A general undertaking that names no kind of help or "
        "terms is willing whatever its verb: “have pledged to support Ukraine’s post-war security” and "
        "“agreed in principle to grant Ukraine security guarantees” are read the same way.",
        examples=(
            "germany-air-defence-patriot-funding-2025-07",
            "unnamed-26-countries-security-guarantees-2025-09",
            "germany-security-guarantees-post-war-support",
        ),
        status=Status.WILLING,
        term_uk="Готовність",
        rule_uk=(
            "Запропоновано, є готовність чи відкритість, часто на умовах: “ready to”, “willing to”, "
            "“prepared to pay”, “signalled openness”, “indicated it’s ready”. Загальне зобов’язання, що "
            "не називає ні виду допомоги, ні умов, — це готовність, хай яке дієслово: “have pledged to "
            "support Ukraine’s post-war security” і “agreed in principle to grant Ukraine security "
            "guarantees” читаються однаково."
        ),
    ),
    Rule(
        "committed",
        "Committed",
        "Decided or agreed for a named kind of help: “have committed to take part in several areas, "
        "including airspace, training, and possible deployments” (one clause, one status for all it names), "
        "“we announced plans for a new multinational force”. Conditions do not lower a status; they are "
        "recorded as conditions.",
        examples=(
            "unnamed-26-countries-air-policing-airspace-2025-09",
            "coalition-multinational-force-ukraine-2025-07",
        ),
        status=Status.COMMITTED,
        term_uk="Зобов’язання",
        rule_uk=(
            "Вирішено чи погоджено щодо названого виду допомоги: “have committed to take part in several "
            "areas, including airspace, training, and possible deployments” (одне речення — один статус "
            "для всього, що воно називає), “we announced plans for a new multinational force”. Умови не "
            "знижують статусу; їх записують як умови."
        ),
    ),
    Rule(
        "delivered",
        "Delivered",
        "Done, and the text says so: in force, paid, sent or in place.",
        examples=(
            "eu-sanctions-in-force-2025-06",
            "france-weapons-mirage-aircraft-2025-07",
        ),
        status=Status.DELIVERED,
        term_uk="Виконано",
        rule_uk="Зроблено, і текст про це каже: чинне, сплачене, надіслане чи розміщене.",
    ),
)

STANCE_RULES = (
    Rule(
        "ruled-out",
        "Ruled out",
        "The actor says it will not do this, or the text reports it refusing or keeping from it: “does not "
        "plan to participate”, “has ruled out”, “retaining troops on its own territory”, “repeatedly ruling "
        "out NATO membership for Ukraine”. A sentence that groups several actors in a refusal is recorded "
        "for each actor it names, and the note says how loose the grouping is.",
        examples=(
            "italy-troops-ruled-out-2025-03",
            "finland-troops-ruled-out",
            "united-states-nato-membership-ruled-out",
        ),
        status=Status.RULED_OUT,
        term_uk="Відмова",
        rule_uk=(
            "Учасник каже, що не робитиме цього, або текст повідомляє, що він відмовляється чи "
            "утримується від цього: “does not plan to participate”, “has ruled out”, “retaining troops on "
            "its own territory”, “repeatedly ruling out NATO membership for Ukraine”. Речення, яке "
            "об’єднує кількох учасників у відмові, записують за кожним названим учасником, а примітка "
            "пояснює, наскільки нестроге це групування."
        ),
    ),
    Rule(
        "reservations",
        "Reservations",
        "Doubts, or “too early”, without a refusal: “It is still too early to talk about putting troops on "
        "the ground”. Reservations the text gives to actors it does not name (“leaders of other nations "
        "have expressed reservations”) are recorded for them as one unnamed group.",
        examples=(
            "finland-troops-reservations-2025-03",
            "unnamed-other-nations-troops-reservations",
        ),
        status=Status.RESERVATIONS,
        term_uk="Застереження",
        rule_uk=(
            "Сумніви або «зарано» без відмови: “It is still too early to talk about putting troops on the "
            "ground”. Застереження, які текст приписує неназваним учасникам (“leaders of other nations "
            "have expressed reservations”), записують за ними як за однією неназваною групою."
        ),
    ),
    Rule(
        "not-offered",
        "Not offered",
        "Reported as not having offered it, without a refusal of its own: “has not offered concrete "
        "security guarantees to Ukraine”.",
        examples=(
            "united-states-security-guarantees-not-offered",
            "hungary-eu-membership-not-on-board",
        ),
        status=Status.NOT_OFFERED,
        term_uk="Не запропоновано",
        rule_uk=(
            "Повідомлено, що учасник цього не запропонував, без його власної відмови: “has not offered "
            "concrete security guarantees to Ukraine”."
        ),
    ),
)

DATE_RULES = (
    Rule(
        "announced_on",
        "Announced (announced_on)",
        "Only when a text dates the actor’s own statement or decision: “Meloni’s office said on March 15”, "
        "a live-blog entry stamped the day the actor spoke. The date of a post or article that merely "
        "mentions something is not the actor’s announcement.",
        examples=(
            "italy-troops-ruled-out-2025-03",
            "france-weapons-mirage-aircraft-2025-07",
        ),
        term_uk="Оголошено (announced_on)",
        rule_uk=(
            "Лише коли текст датує власну заяву чи рішення учасника: “Meloni’s office said on March 15”, "
            "запис лайвблогу з позначкою дня, коли учасник виступив. Дата допису чи статті, що лише "
            "згадує щось, не є оголошенням учасника."
        ),
    ),
    Rule(
        "reported_on",
        "First reported (reported_on)",
        "The date of the earliest passage in our sources that reports the fact: the date of the part of the "
        "source its quote is in (a dated thread, a live-blog entry), or the source’s own stated publication "
        "date. Unknown when no cited passage is dated.",
        examples=(
            "france-weapons-mirage-aircraft-2025-07",
            "germany-air-defence-patriot-funding-2025-07",
        ),
        term_uk="Уперше повідомлено (reported_on)",
        rule_uk=(
            "Дата найранішого фрагмента наших джерел, що повідомляє про факт: дата тієї частини джерела, "
            "де стоїть цитата (датований тред, запис лайвблогу), або вказана в самому джерелі дата "
            "публікації. Невідома, коли жоден процитований фрагмент не датований."
        ),
    ),
    Rule(
        "parts",
        "Parts of a source",
        "A document that joins several pieces (an aggregator page joining a live blog with later excerpts; "
        "a list of dated threads) is split into parts, each with its own title and date, and every quote "
        "carries the date of its part, not of the page.",
        examples=("italy-collective-defence-24-hour-response-plan",),
        term_uk="Частини джерела",
        rule_uk=(
            "Документ, що об’єднує кілька частин (сторінка-агрегатор, яка поєднує лайвблог із пізнішими "
            "уривками; перелік датованих тредів), поділено на частини, кожна зі своєю назвою та датою, і "
            "кожна цитата має дату своєї частини, а не сторінки."
        ),
    ),
    Rule(
        "published_on",
        "Published and seen",
        "A source’s publication date is recorded only when the document states it. A date a page merely "
        "displayed, such as a site’s masthead date line, is recorded as the date it was seen, never as a "
        "publication date.",
        term_uk="Опубліковано і переглянуто",
        rule_uk=(
            "Дату публікації джерела записують, лише коли її вказує сам документ. Дату, яку сторінка лише "
            "показувала (наприклад, рядок із датою в шапці сайту), записують як дату перегляду, ніколи — "
            "як дату публікації."
        ),
    ),
    Rule(
        "years",
        "Dates without a year",
        "A date printed without a year (“March 22”, “Sep 4”) gets a year only when a passage of the "
        "documents fixes it, and the note quotes that passage; otherwise it is recorded as unknown. A year "
        "is never inferred from the date it is meant to establish.",
        examples=("italy-collective-defence-article-5-proposal-2025-03",),
        term_uk="Дати без року",
        rule_uk=(
            "Дата, надрукована без року (“March 22”, “Sep 4”), отримує рік, лише коли його встановлює "
            "фрагмент документів, і примітка цитує цей фрагмент; інакше її записують як невідому. Рік "
            "ніколи не виводять із дати, яку він має встановити."
        ),
    ),
)

OTHER_RULES = (
    Rule(
        "actors",
        "Who acts",
        "The parties are whoever the text makes the actor. One act is one record: a joint act (“our "
        "partnership” at a joint press conference) is one pledge with several parties, and the same act "
        "reported several times is one record with several quotes. A host is not a pledger: hosting the "
        "coalition’s headquarters, leading an initiative or taking part in a meeting is a role. A group the "
        "text does not name (“about 10 European countries”) is one actor, never spread over countries.",
        examples=(
            "france-sanctions-shadow-fleet-2025-07",
            "unnamed-about-10-european-countries-troops",
        ),
        term_uk="Хто діє",
        rule_uk=(
            "Сторони — ті, кого текст робить учасником дії. Одна дія — один запис: спільна дія (“our "
            "partnership” на спільній пресконференції) — одне зобов’язання з кількома сторонами, а та "
            "сама дія, про яку повідомлено кілька разів, — один запис із кількома цитатами. Господар — не "
            "той, хто бере зобов’язання: розміщення штабу коаліції, керівництво ініціативою чи участь у "
            "зустрічі — це роль. Група, яку текст не називає (“about 10 European countries”), — один "
            "учасник, її ніколи не розподіляють між країнами."
        ),
    ),
    Rule(
        "numbers",
        "Numbers",
        "Exactly as precise as the text: “over $156 million” is 156,000,000 with the qualifier “over”; "
        "“about 10” is 10 “about”; “hundreds of thousands” gives no number.",
        examples=(
            "unnamed-european-allies-funding-defence-industry",
            "germany-air-defence-patriot-funding-2025-07",
        ),
        term_uk="Числа",
        rule_uk=(
            "Рівно так точно, як у тексті: “over $156 million” — це 156 000 000 з уточненням «понад»; "
            "“about 10” — це 10 «близько»; “hundreds of thousands” числа не дає."
        ),
    ),
    Rule(
        "reported-speech",
        "Reported speech",
        "A report keeps the strength it reports. A third party’s hope or description is not the actor’s "
        "offer: “I hope that Italy’s participation will be truly strong and visible” is Ukraine’s hope, not "
        "an Italian pledge. When a reading is uncertain the weaker status is recorded and the note quotes "
        "the words it rests on.",
        examples=("united-states-weapons-military-aid-resumption-2025-07",),
        term_uk="Непряма мова",
        rule_uk=(
            "Повідомлення зберігає силу того, про що повідомляє. Сподівання чи опис третьої сторони — не "
            "пропозиція учасника: “I hope that Italy’s participation will be truly strong and visible” — "
            "це сподівання України, а не зобов’язання Італії. Коли прочитання непевне, записують слабший "
            "статус, а примітка цитує слова, на яких воно ґрунтується."
        ),
    ),
    Rule(
        "scope",
        "What is not recorded",
        "Requests by Ukraine; Ukraine’s own measures; help that is not for Ukraine (two countries’ own "
        "forces or nuclear deterrence); the positions of Russia, whose terms for a settlement are not "
        "guarantees to Ukraine; and what states and others outside the coalition and its partners (China, "
        "India, the Pope) say about ending the war. Each source page lists the passages not recorded, with "
        "the reason.",
        term_uk="Що не записують",
        rule_uk=(
            "Прохання України; власні заходи України; допомогу, що не призначена Україні (власні сили "
            "двох країн чи ядерне стримування); позиції Росії, чиї умови врегулювання не є гарантіями для "
            "України; і те, що кажуть про закінчення війни держави та інші поза коаліцією та її "
            "партнерами (Китай, Індія, Папа Римський). Сторінка кожного джерела перелічує незаписані "
            "фрагменти з причиною."
        ),
    ),
    Rule(
        "quotes",
        "Quotes",
        "Copied character for character: typographic quotes, dashes and non-breaking spaces included. The "
        "check that a quote is in its source treats any run of white space (a line break, a non-breaking "
        "space) as one space, so a quote can span lines; nothing else is forgiven.",
        examples=("united-states-security-guarantees-participation",),
        term_uk="Цитати",
        rule_uk=(
            "Скопійовано символ у символ: разом із типографськими лапками, тире й нерозривними пробілами. "
            "Перевірка, чи є цитата в джерелі, вважає будь-яку послідовність пробільних символів (розрив "
            "рядка, нерозривний пробіл) одним пробілом, тож цитата може переходити з рядка на рядок; "
            "більше нічого не пробачається."
        ),
    ),
    Rule(
        "languages",
        "Languages",
        "The tracker’s own words (summaries, conditions, names, notes, this codebook) are written in English "
        "and in Ukrainian. The English is the reference text; the Ukrainian says what it says, no more. "
        "Quotes and a source’s own words, such as its title, are never translated: they stay in the "
        "source’s language on the Ukrainian pages too, and words a Ukrainian text quotes from a source stay "
        "in that language between “…”. A text not yet translated is shown in English, marked as English.",
        term_uk="Мови",
        rule_uk=(
            "Власні тексти трекера (підсумки, умови, назви, примітки, цей кодекс) написано англійською та "
            "українською. Англійський текст — еталонний; український каже те саме, не більше. Цитати й "
            "власні слова джерела, як-от його назва, ніколи не перекладаються: вони лишаються мовою джерела "
            "і на українських сторінках, а слова джерела, які цитує український текст, лишаються цією мовою "
            "в “…”. Ще не перекладений текст показано англійською, з позначкою, що він англійською."
        ),
    ),
)


def status_rules() -> list[tuple[Rule, str]]:
    """Each status and stance rule with the one-line definition shown in legends."""
    return [(rule, STATUS_DESCRIPTIONS[Status(rule.status)]) for rule in STATUS_RULES + STANCE_RULES]


def all_rules() -> tuple[Rule, ...]:
    return STATUS_RULES + STANCE_RULES + DATE_RULES + OTHER_RULES


def example_refs() -> set[str]:
    return {ref for rule in all_rules() for ref in rule.examples}
