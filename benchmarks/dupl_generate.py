"""Synthetic companies with known duplicates, following the sample file's pattern.

`generate(n, seed)` returns (records, truth): n company records (dicts with the
Contact field names) and the true duplicate pairs (no_a, no_b). As in
../shared/data/sample-contacts.csv about 5 % of the companies have one or two
more records of the same company with the kinds of variations the sample shows:
legal form spelled differently (AS/A.S./A/S, B.V./BV, Ltd/Limited, GmbH/G.m.b.H.),
typos, upper/lower case, word order, street abbreviations (gate/gt., veien/vn.,
straat/str., Road/Rd), phone and VAT numbers in other formats or missing, other
e-mail addresses, and companies that moved within their town. Hard negatives
are generated too: a holding company at its operating company's address, the
same name in another town, and near-identical names of different companies.
Numbers run to CT9999999, so up to 9,999,999 companies (a million: about 30 s, 1.4 GB).
"""

from __future__ import annotations

import random
import string

COUNTRIES = {
    "NO": {
        "surnames": "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen "
        "Karlsen Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen "
        "Dahl Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen "
        "Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen Mathisen "
        "Lie Amundsen Nguyen Rasmussen Ali Lunde Solheim Berge Moe Nygård Bakke Kristensen "
        "Fredriksen Holm Lien Hauge Christensen Andresen Nielsen Knudsen Evensen Sæther Aas "
        "Myhre Hanssen Ahmed Haugland Thomassen Sivertsen Simonsen Danielsen Berntsen Sandvik "
        "Rønning Arnesen Antonsen Næss Vik Haug Ellingsen Thorsen Edvardsen Birkeland Isaksen "
        "Gulbrandsen Ruud Aasen Strøm Myklebust Tangen Ødegård Eliassen Helland Bøe Jenssen "
        "Aune Mikkelsen Tveit Brekke Abrahamsen Madsen",
        "trades": "Bygg Elektro Elektroservice Rørlegger Maling Transport Logistikk Regnskap "
        "Regnskapskontor Eiendom Eiendomsutvikling Snekkeri Tak Ventilasjon Data Consulting "
        "Engineering Revisjon Revisjonsfirmaet Blikkenslagerverksted Vaktmesterservice Handel "
        "Import Fisk Sjømat Maskin Verksted Bilservice Glass Anlegg Grus Interiør Design "
        "Reklame Trykkeri Bakeri Catering Renhold Sikkerhet Utleie Vekst Hage Tannlege Fysio",
        "legal": [["AS", "A.S.", "A/S", "as", "AS."], ["ANS", "ans"], ["DA"], ["ASA"]],
        "cities": [
            ("Oslo", "0150"),
            ("Bergen", "5003"),
            ("Trondheim", "7010"),
            ("Stavanger", "4006"),
            ("Kristiansand", "4610"),
            ("Tromsø", "9008"),
            ("Drammen", "3015"),
            ("Fredrikstad", "1606"),
            ("Hamar", "2317"),
            ("Ålesund", "6002"),
            ("Bodø", "8006"),
            ("Sandvika", "1337"),
            ("Porsgrunn", "3915"),
            ("Molde", "6413"),
            ("Lillehammer", "2609"),
        ],
        "streets": "Storgata Kirkegata Skoggata Solberggata Parkveien Bryggeveien Eikeveien "
        "Industriveien Strandgata Kongens gate Nedre gate Øvregate Haugveien Brekkegata "
        "Jernbaneveien Sjøgata Torggata Fjordveien Bakkeveien Vestreveien",
        "phone": lambda r: (
            f"{r.randint(21, 79)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}"
        ),
        "cc": "47",
        "vat": lambda r: f"NO{r.randint(800000000, 999999999)}MVA",
        "tld": "no",
    },
    "NL": {
        "surnames": "de Jong Jansen de Vries van den Berg van Dijk Bakker Janssen Visser Smit "
        "Meijer de Boer Mulder de Groot Bos Vos Peters Hendriks van Leeuwen Dekker Brouwer "
        "de Wit Dijkstra Smits de Graaf van der Meer van der Linden Kok Jacobs de Haan "
        "Vermeulen van den Heuvel van der Veen van den Broek de Bruijn de Bruin van der Heijden "
        "Schouten van Beek Willems van Vliet van de Ven Hoekstra Maas Verhoeven Koster "
        "van Dam van der Wal Prins Blom Huisman Peeters de Jonge Kuipers van Veen Post "
        "Kuiper Veenstra Kramer van den Brink Scholten van Wijk Postma Martens Vink de Ruiter "
        "Timmermans Groen Gerritsen Jonker van Loon Boer van der Velde Willemsen Smeets "
        "de Lange de Vos Bosch van Dongen Verbeek Hermans Spreeuw Bernaards Jonkman Zijlemans",
        "trades": "Bouw Installatietechniek Transportbedrijf Klussenbedrijf Aannemersbedrijf "
        "Schilders Hoveniers Catering Software ICT Services Holding Beheer Vloeren "
        "Tegelwerken Schoonmaak Kwekerij Bakkerij Interieur Advies Makelaardij Autobedrijf "
        "Elektrotechniek Loodgieters Dakdekkers Glazenwassers Drukkerij Accountants "
        "Administratiekantoor Metaal Techniek Logistiek Verhuur Media Design Reclame",
        "legal": [["B.V.", "BV", "b.v.", "bv", "B.V"], ["V.O.F.", "VOF", "vof"], ["N.V.", "NV"]],
        "cities": [
            ("Amsterdam", "1011 AB"),
            ("Rotterdam", "3011 AA"),
            ("Utrecht", "3511 AA"),
            ("Den Haag", "2511 AA"),
            ("Eindhoven", "5611 AA"),
            ("Groningen", "9711 AA"),
            ("Enschede", "7511 AA"),
            ("Tilburg", "5038 AA"),
            ("Almere", "1315 AA"),
            ("Breda", "4811 AA"),
            ("Nijmegen", "6511 AA"),
            ("Apeldoorn", "7311 AA"),
            ("Haarlem", "2011 AA"),
            ("Arnhem", "6811 AA"),
            ("Zwolle", "8011 AA"),
        ],
        "streets": "Hoofdstraat Kerkstraat Schoolstraat Dorpsstraat Molenweg Stationsweg "
        "Julianastraat Wilhelminastraat Zuidlaan Westplein Parallellaan Singelstraat "
        "Nassauweg Hoofdweg Jasperdreef Sofiesingel Kastanjelaan Beukenlaan Industrieweg "
        "Marktplein",
        "phone": lambda r: f"0{r.randint(10, 99)}-{r.randint(1000000, 9999999)}",
        "cc": "31",
        "vat": lambda r: f"NL{r.randint(0, 999999999):09d}B0{r.randint(1, 3)}",
        "tld": "nl",
    },
    "GB": {
        "surnames": "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson "
        "Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
        "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King "
        "Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett "
        "Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw "
        "Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum "
        "Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell "
        "Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher "
        "Stevens Jenkins Murray Dixon Harvey Vaughan Davison Swindon Walters Cunningham",
        "trades": "Building Joinery Plumbing Electrical Transport Logistics Consulting "
        "Recruitment Print Energy Trading Distribution Catering Cleaning Security Roofing "
        "Landscaping Motors Engineering Design Media Accountancy Property Estates Software "
        "Systems Solutions Services Supplies Interiors Glazing Scaffolding Removals",
        "legal": [["Ltd", "Limited", "LTD", "Ltd."], ["PLC", "P.L.C.", "plc"], ["LLP"]],
        "cities": [
            ("London", "EC1A 1BB"),
            ("Birmingham", "B1 1AA"),
            ("Manchester", "M1 1AE"),
            ("Leeds", "LS1 1UR"),
            ("Glasgow", "G1 1XQ"),
            ("Bristol", "BS1 4DJ"),
            ("Cambridge", "CB2 1TN"),
            ("Leicester", "LE1 1AA"),
            ("Coventry", "CV1 1AA"),
            ("Nottingham", "NG1 1AA"),
            ("Cardiff", "CF10 1AA"),
            ("Sheffield", "S1 1AA"),
            ("Liverpool", "L1 1AA"),
            ("Oxford", "OX1 1AA"),
            ("York", "YO1 7HH"),
        ],
        "streets": "High Street|Station Road|Church Street|Park Road|Victoria Road|Green Lane|"
        "Manor Road|Church Lane|Castle Road|Elm Street|Harbour Close|York Street|Long Crescent|"
        "Abbey Road|Owen Lane|Windmill Road|Riverside Close|East Street|Mill Lane|Queens Road",
        "phone": lambda r: f"0{r.randint(113, 199)} {r.randint(100, 999)} {r.randint(1000, 9999)}",
        "cc": "44",
        "vat": lambda r: f"GB{r.randint(100000000, 999999999)}",
        "tld": "co.uk",
    },
    "DE": {
        "surnames": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz "
        "Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann "
        "Braun Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann "
        "Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters "
        "Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank "
        "Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm "
        "Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel "
        "Heinrich Brandt Haas Schreiber Graf Hornig Käster Stiffel",
        "trades": "Bau Elektrotechnik Maschinenbau Feinmechanik Immobilien Verwaltung "
        "Logistik Spedition Gebäudereinigung Montagebau Metallbau Sanitär Heizungsbau "
        "Dachdeckerei Malerbetrieb Tischlerei Autohaus Software Beratung Handel Druck "
        "Gartenbau Elektro Medien Steuerberatung",
        "legal": [["GmbH", "G.m.b.H.", "gmbh", "GMBH"], ["AG"], ["OHG"], ["KG"]],
        "cities": [
            ("Berlin", "10115"),
            ("Hamburg", "20095"),
            ("München", "80331"),
            ("Köln", "50667"),
            ("Frankfurt am Main", "60311"),
            ("Stuttgart", "70173"),
            ("Düsseldorf", "40213"),
            ("Leipzig", "04109"),
            ("Dortmund", "44135"),
            ("Bielefeld", "33602"),
            ("Bremen", "28195"),
            ("Dresden", "01067"),
            ("Hannover", "30159"),
            ("Nürnberg", "90402"),
            ("Bonn", "53111"),
        ],
        "streets": "Hauptstraße Schulstraße Gartenstraße Bahnhofstraße Dorfstraße Bergstraße "
        "Birkenweg Lindenstraße Kirchstraße Waldstraße Ringstraße Schillerstraße Goethestraße "
        "Jahnstraße Stollstraße Kambsring Ringweg Wiesenweg Mühlenweg Am Markt",
        "phone": lambda r: f"0{r.randint(30, 999)} {r.randint(100000, 9999999)}",
        "cc": "49",
        "vat": lambda r: f"DE{r.randint(100000000, 999999999)}",
        "tld": "de",
    },
}
for _country in COUNTRIES.values():
    sep = "|" if "|" in _country["streets"] else " "
    _country["street_list"] = _country["streets"].split(sep)
    # Dutch particles (de, van, der) are not surnames on their own.
    _country["surname_list"] = [
        w for w in _country["surnames"].split() if w not in {"de", "van", "der", "den"}
    ]
    _country["trade_list"] = _country["trades"].split()

ABBREVIATIONS = [
    ("gata", "gt."),
    ("gate", "gt."),
    ("veien", "vn."),
    ("veien", "v."),
    ("straat", "str."),
    ("laan", "ln."),
    ("singel", "sngl."),
    ("straße", "str."),
    ("straße", "strasse"),
    ("Road", "Rd"),
    ("Street", "St."),
    ("Lane", "Ln"),
    ("Close", "Cl."),
]


def _slug(text: str) -> str:
    table = str.maketrans("æøåäöüé", "aoaaoue")
    return "".join(c for c in text.lower().translate(table) if c in string.ascii_lowercase)


def _typo(r: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = r.choice(letters[1:-1])
    kind = r.random()
    if kind < 0.3 and i + 1 < len(text):  # swap
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.55:  # drop
        return text[:i] + text[i + 1 :]
    if kind < 0.8:  # double
        return text[:i] + text[i] + text[i:]
    return text[:i] + r.choice("aeiourstn") + text[i + 1 :]  # replace


class _Maker:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.counter = 0
        self.used_names: set[tuple[str, str]] = set()
        self.used_numbers: set[str] = set()
        self.used_domains: set[str] = set()

    def no(self) -> str:
        self.counter += 1
        return f"CT{self.counter:07d}"

    def unique(self, make) -> str:
        while True:
            value = make(self.r)
            if value not in self.used_numbers:
                self.used_numbers.add(value)
                return value

    def address(self, c: dict) -> str:
        street = self.r.choice(c["street_list"])
        number = self.r.randint(1, 250)
        letter = self.r.choice(["", "", "", "A", "b", "D"])
        if c is COUNTRIES["GB"]:
            return f"{number} {street}"
        return f"{street} {number}{letter}"

    def post_code(self, c: dict, base: str) -> str:
        r = self.r
        if c is COUNTRIES["NL"]:
            letters = "ABCDEFGHJKLMNPRSTVWXZ"
            return f"{base[:2]}{r.randint(10, 99)} {r.choice(letters)}{r.choice(letters)}"
        if c is COUNTRIES["GB"]:
            head = base.split()[0]
            letters = "ABDEFGHJLNPQRSTUWXYZ"
            return f"{head} {r.randint(1, 9)}{r.choice(letters)}{r.choice(letters)}"
        digits = len(base)
        return f"{int(base) + r.randint(0, 80):0{digits}d}"

    def company(self, code: str, *, name_words=None, city=None, address=None) -> dict:
        r = self.r
        c = COUNTRIES[code]
        city_name, base = city or r.choice(c["cities"])
        legal = r.choice(c["legal"])
        while True:
            words = name_words or self._name_words(c)
            core = " ".join(words)
            key = (" ".join(sorted(core.lower().split())), city_name)
            if key not in self.used_names:
                break
            name_words = None
        self.used_names.add(key)
        domain = f"{_slug(core)}.{c['tld']}"
        if domain in self.used_domains:  # another company of that name elsewhere
            domain = f"{_slug(core)}-{_slug(city_name)}.{c['tld']}"
        self.used_domains.add(domain)
        return {
            "no": self.no(),
            "type": "company",
            "name": f"{core} {legal[0]}",
            "address": address or self.address(c),
            "post_code": self.post_code(c, base),
            "city": city_name,
            "country": code,
            "phone_no": self.unique(c["phone"]) if r.random() < 0.85 else "",
            "mobile_phone_no": "",
            "email": f"{r.choice(['post', 'info', 'kontakt', 'sales', 'office'])}@{domain}"
            if r.random() < 0.75
            else "",
            "vat_registration_no": self.unique(c["vat"]) if r.random() < 0.7 else "",
            "_legal": legal,
            "_core": words,
            "_base": base,
            "_domain": domain,
        }

    def _name_words(self, c: dict) -> list[str]:
        r = self.r
        surname = r.choice(c["surname_list"])
        trade = r.choice(c["trade_list"])
        kind = r.random()
        if kind < 0.45:
            return [surname, trade]
        if kind < 0.75:
            return [trade, surname]
        if kind < 0.9:
            return [surname, trade, r.choice(c["trade_list"])]
        return [surname, "&", r.choice(c["surname_list"]), trade]

    def variant(self, base: dict) -> dict:
        """Another record of the same company, with the sample's kinds of variations."""
        r = self.r
        c = COUNTRIES[base["country"]]
        rec = {k: v for k, v in base.items()}
        rec["no"] = self.no()
        words = list(base["_core"])
        if r.random() < 0.25 and len(words) >= 2:
            words[0], words[-1] = words[-1], words[0]  # word order
        if r.random() < 0.35:
            i = r.randrange(len(words))
            words[i] = _typo(r, words[i])
        legal = r.choice(base["_legal"]) if r.random() < 0.6 else base["_legal"][0]
        name = " ".join(words)
        if r.random() < 0.15:
            name = name.replace(" ", "-", 1)
        if r.random() < 0.1:
            legal = ", " + legal
            rec["name"] = f"{name}{legal}"
        else:
            rec["name"] = f"{name} {legal}" if r.random() < 0.93 else name
        case = r.random()
        if case < 0.12:
            rec["name"] = rec["name"].upper()
        elif case < 0.2:
            rec["name"] = rec["name"].lower()
        moved = r.random() < 0.2
        if moved:
            rec["address"] = self.address(c)
            rec["post_code"] = self.post_code(c, base["_base"])
            if r.random() < 0.5:
                rec["phone_no"] = self.unique(c["phone"])
        else:
            if r.random() < 0.4:
                for long, short in ABBREVIATIONS:
                    if long in rec["address"]:
                        rec["address"] = rec["address"].replace(long, short, 1)
                        break
            if r.random() < 0.15:
                rec["address"] = _typo(r, rec["address"])
            if r.random() < 0.15:
                rec["post_code"] = rec["post_code"].replace(" ", "").lower()
        if r.random() < 0.08:
            rec["city"] = rec["city"].upper() if r.random() < 0.5 else _typo(r, rec["city"])
        phone = _digits(rec["phone_no"])
        if phone and not moved:
            style = r.random()
            if style < 0.3:
                rec["phone_no"] = f"+{c['cc']} {phone.lstrip('0')}"
            elif style < 0.45:
                rec["phone_no"] = (
                    f"+{c['cc']} (0){phone.lstrip('0')}"
                    if phone.startswith("0")
                    else f"00{c['cc']} {phone}"
                )
            elif style < 0.6:
                rec["phone_no"] = phone
            elif style < 0.7:
                rec["phone_no"] = ""
        if r.random() < 0.25:
            rec["phone_no"] = rec["phone_no"] or self.unique(c["phone"])
        vat = rec["vat_registration_no"]
        style = r.random()
        if vat and style < 0.25:
            rec["vat_registration_no"] = ""
        elif vat and style < 0.5:
            rec["vat_registration_no"] = _vat_variant(r, vat)
        elif not vat and style < 0.3:
            rec["vat_registration_no"] = self.unique(c["vat"])  # only one record has it
            base["_vat_added"] = True
        if rec["email"] and r.random() < 0.4:
            domain = rec["email"].split("@")[1]
            rec["email"] = r.choice(
                ["", f"{r.choice(['firmapost', 'admin', 'faktura', 'contact'])}@{domain}"]
            )
        elif not rec["email"] and r.random() < 0.3:
            rec["email"] = f"info@{base['_domain']}"
        return rec

    def holding(self, base: dict) -> dict:
        """A different company: the holding of `base`, at the same address."""
        c = COUNTRIES[base["country"]]
        word = {"NO": "Holding", "NL": "Holding", "GB": "Holdings", "DE": "Holding"}[
            base["country"]
        ]
        rec = self.company(
            base["country"],
            name_words=[*base["_core"], word],
            city=(base["city"], base["_base"]),
            address=base["address"],
        )
        rec["post_code"] = base["post_code"]
        if base["email"] and self.r.random() < 0.5:
            rec["email"] = "post@" + base["email"].split("@")[1]
        del c
        return rec


def _vat_variant(r: random.Random, vat: str) -> str:
    """The same VAT number typed another way (as in the sample file)."""
    prefix, rest = vat[:2], vat[2:]
    core = rest[:9]
    suffix = rest[9:]  # MVA, B01... or nothing
    spaced = f"{core[:3]} {core[3:6]} {core[6:]}"
    return r.choice(
        [
            f"{core}{suffix}",
            f"{prefix} {core}{suffix}",
            vat.lower(),
            f"{prefix} {spaced} {suffix}".strip(),
            f"{core} {suffix}".strip(),
            f"{prefix}{core}.{suffix}" if suffix.startswith("B") else f"{prefix}{core}",
        ]
    )


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def generate(
    n: int, seed: int = 1, dup_rate: float = 0.05
) -> tuple[list[dict], list[tuple[str, str]]]:
    """n company records and the true duplicate pairs among them."""
    maker = _Maker(seed)
    r = maker.r
    records: list[dict] = []
    truth: list[tuple[str, str]] = []
    codes = list(COUNTRIES)
    while len(records) < n:
        code = r.choice(codes)
        base = maker.company(code)
        records.append(base)
        roll = r.random()
        if roll < dup_rate:
            copies = [maker.variant(base) for _ in range(1 if r.random() < 0.7 else 2)]
            group = [base, *copies]
            records.extend(copies)
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    truth.append((group[i]["no"], group[j]["no"]))
        elif roll < dup_rate + 0.01 and not {"Holding", "Beheer"} & set(base["_core"]):
            records.append(maker.holding(base))  # hard negative
        elif roll < dup_rate + 0.02:
            # Hard negative: the same name in another town.
            other_city = r.choice([c for c in COUNTRIES[code]["cities"] if c[0] != base["city"]])
            records.append(maker.company(code, name_words=base["_core"], city=other_city))
    records = records[:n]
    kept = {rec["no"] for rec in records}
    truth = [(a, b) for a, b in truth if a in kept and b in kept]
    for rec in records:
        for key in ("_legal", "_core", "_base", "_vat_added", "_domain"):
            rec.pop(key, None)
    return records, truth
