"""A second, differently made file of companies with known duplicates (for held-out tests).

`generate(n, seed)` returns (records, truth) like `dupl_generate.generate`, but the
data are built another way, to check that the duplicate search holds on a file it
was not tuned to:

* other countries (Denmark, Sweden, Belgium, Austria, besides Norway and the
  Netherlands), their legal forms (ApS, AB, BV/BVBA, SRL, GmbH, e.U., ...), street
  types, post codes, phone formats and real check-digit-valid VAT/organisation
  numbers (python-stdnum); addresses with floors, doors and bus numbers; Belgian
  cities and streets in Dutch and French;
* much sparser fields: phone in about 60 % of the companies, VAT in 50 %, e-mail
  in 55 %, a few without country;
* the duplicates real CRMs hold: typing variants; the same VAT number with one
  wrong digit or two digits swapped; a trading name against the legal name at the
  same address ("Kiwi Lillestrøm" / "Ahmed Drift AS"); the company entered again
  years later with a renamed street, a new phone and a new e-mail domain; a
  company on a public mail address or with a PO box on one record; the legal
  form renamed by a law reform (BVBA → BV, SPRL → SRL, IVS → ApS); phone given as
  mobile on one record; the Belgian record in the other language;
* and the false alarms: sister companies at one address with different, valid VAT
  numbers (a holding, a property company, the operating company), franchise
  stores of one brand in other towns sharing the brand's e-mail domain, generic
  names ("Regnskap AS", "Bouwbedrijf BVBA") in many places, the same family
  name and trade in another town, and business centres with many companies at
  one address.

Nothing here was tuned against the matcher: the generator was written from the
list above before the matcher was run on it, and reported figures use seeds other
than the development seed (see benchmarks/duplicates.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from stdnum.at import uid as at_uid
from stdnum.be import vat as be_vat
from stdnum.dk import cvr as dk_cvr
from stdnum.nl import btw as nl_btw
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr


def _w(text: str) -> list[str]:
    return [w.strip() for w in text.split("|") if w.strip()]


@dataclass
class Country:
    code: str
    weight: float
    surnames: list[str]
    first_names: list[str]
    trades: list[str]
    legal: list[list[str]]  # each: spellings of one form, the first is the usual one
    reform: dict[str, str]  # old form -> new form (law reforms)
    cities: list[tuple[str, str, str]]  # (city, other-language name or "", post code base)
    streets: list[str]
    street_abbr: list[tuple[str, str]]
    phone: str  # pattern with # digits
    mobile: str
    cc: str
    tld: str
    po_box: str
    fantasy: list[str] = field(default_factory=list)


COUNTRIES = [
    Country(
        "DK",
        0.22,
        _w("Jensen|Nielsen|Hansen|Pedersen|Andersen|Christensen|Larsen|Sørensen|Rasmussen|"
           "Jørgensen|Petersen|Madsen|Kristensen|Olsen|Thomsen|Christiansen|Poulsen|Johansen|"
           "Møller|Mortensen|Knudsen|Jakobsen|Mikkelsen|Lauridsen|Frederiksen|Dahl|Henriksen|"
           "Kjær|Lund|Holm|Bach|Schmidt|Vestergaard|Eriksen|Bruun|Lassen|Iversen|Nørgaard"),
        _w("Jens|Peter|Lars|Mette|Anne|Søren|Henrik|Kirsten|Niels|Hanne|Morten|Tina|Rasmus"),
        _w("VVS|Tømrer|Murer|El-service|Malerfirma|Revision|Bogføring|Transport|Vognmand|"
           "Ejendomme|Rengøring|Tandlæge|Autoværksted|Smedie|Kloakservice|Anlæg|Gartner|Byg|"
           "Snedkeri|IT|Tagdækning|Blik|Entreprise|Rådgivning|Regnskab|Køleteknik"),
        [["ApS", "Aps", "APS", "ApS."], ["A/S", "AS", "A.S."], ["I/S", "IS"], ["IVS"]],
        {"IVS": "ApS"},
        [("København", "Copenhagen", "1050"), ("Aarhus", "Århus", "8000"), ("Odense", "", "5000"),
         ("Aalborg", "Ålborg", "9000"), ("Esbjerg", "", "6700"), ("Randers", "", "8900"),
         ("Kolding", "", "6000"), ("Horsens", "", "8700"), ("Vejle", "", "7100"),
         ("Roskilde", "", "4000"), ("Herning", "", "7400"), ("Silkeborg", "", "8600"),
         ("Næstved", "", "4700"), ("Fredericia", "", "7000"), ("Viborg", "", "8800"),
         ("Hørsholm", "", "2970"), ("Holstebro", "", "7500"), ("Svendborg", "", "5700")],
        _w("Vestergade|Østergade|Nørregade|Søndergade|Algade|Jernbanegade|Banegårdsvej|"
           "Industrivej|Havnevej|Skolevej|Kirkevej|Møllevej|Parkvej|Strandvejen|Hovedgaden|"
           "Torvet|Rådhuspladsen|Sølvgade|Bredgade|Fabriksvej|Erhvervsvej|Grønnegade"),
        [("gade", "g."), ("vej", "v."), ("pladsen", "pl."), ("Vestergade", "Vesterg.")],
        "N# ## ## ##",
        "2# ## ## ##",
        "45",
        "dk",
        "Postboks",
        _w("Nordic|Scandi|Dansk|Nova|Alfa|Optima|Linea|Prima"),
    ),
    Country(
        "SE",
        0.22,
        _w("Andersson|Johansson|Karlsson|Nilsson|Eriksson|Larsson|Olsson|Persson|Svensson|"
           "Gustafsson|Pettersson|Jonsson|Jansson|Hansson|Bengtsson|Jönsson|Lindberg|Jakobsson|"
           "Magnusson|Lindström|Lindqvist|Lindgren|Berg|Axelsson|Bergström|Lundberg|Lind|"
           "Lundgren|Mattsson|Berglund|Fredriksson|Sandberg|Henriksson|Forsberg|Sjöberg"),
        _w("Anders|Lars|Karin|Eva|Per|Maria|Erik|Anna|Johan|Lena|Mikael|Sara|Stefan"),
        _w("Bygg|Måleri|El|VVS|Redovisning|Revision|Åkeri|Städ|Fastigheter|Konsult|Snickeri|"
           "Mark|Plåt|Tak|Bil|Data|Frisör|Tandvård|Byggservice|Elinstallation|Transport|Golv|"
           "Ventilation|Markentreprenad|Ekonomi"),
        [["AB", "Ab", "Aktiebolag", "AB (publ)"], ["HB", "Handelsbolag"], ["KB"]],
        {},
        [("Stockholm", "", "111 20"), ("Göteborg", "Gothenburg", "411 01"),
         ("Malmö", "", "211 20"), ("Uppsala", "", "753 10"), ("Västerås", "", "722 10"),
         ("Örebro", "", "702 10"), ("Linköping", "", "582 20"), ("Helsingborg", "", "252 20"),
         ("Jönköping", "", "553 20"), ("Norrköping", "", "602 20"), ("Lund", "", "222 20"),
         ("Umeå", "", "903 20"), ("Gävle", "", "802 20"), ("Borås", "", "503 30"),
         ("Södertälje", "", "151 30"), ("Sundsvall", "", "852 30"), ("Växjö", "", "352 30")],
        _w("Storgatan|Drottninggatan|Kungsgatan|Vasagatan|Sveavägen|Industrivägen|Skolgatan|"
           "Kyrkogatan|Järnvägsgatan|Hamngatan|Torggatan|Parkvägen|Stationsvägen|Ringvägen|"
           "Norra vägen|Södra vägen|Verkstadsgatan|Fabriksgatan|Åvägen|Bangårdsgatan"),
        [("gatan", "g."), ("vägen", "v."), ("Storgatan", "Storg.")],
        "0N-### ## ##",
        "07#-### ## ##",
        "46",
        "se",
        "Box",
        _w("Nordic|Svensk|Nova|Alfa|Optima|Linea|Prima|Norr"),
    ),
    Country(
        "BE",
        0.2,
        _w("Peeters|Janssens|Maes|Jacobs|Mertens|Willems|Claes|Goossens|Wouters|De Smet|"
           "Dubois|Lambert|Dupont|Martin|Simon|Laurent|Leroy|Lemaire|Vermeulen|Hermans|"
           "Van den Broeck|Michiels|Desmet|Pauwels|Declercq|Renard|Lejeune|Denis|Dumont|"
           "Verstraete|Van Damme|De Clercq|Smets|Coppens|Leclercq"),
        _w("Jan|Marc|Luc|Sofie|Pieter|Els|Philippe|Nathalie|Koen|Isabelle|Wim|Anne|Tom"),
        _w("Bouwbedrijf|Schrijnwerkerij|Elektriciteit|Dakwerken|Boekhouding|Transport|"
           "Tuinaanleg|Construction|Menuiserie|Toiture|Comptabilité|Nettoyage|Immo|Garage|"
           "Bakkerij|Sanitair|Verwarming|Schilderwerken|Fiduciaire|Architectuur|Renovatie|"
           "Vloeren|Plafonneerwerken|Traiteur"),
        [["BV", "B.V.", "bv"], ["BVBA", "bvba", "B.V.B.A."], ["NV", "N.V.", "nv"],
         ["SRL", "srl"], ["SPRL", "sprl"], ["SA", "S.A."], ["VOF"], ["CommV"]],
        {"BVBA": "BV", "SPRL": "SRL"},
        [("Brussel", "Bruxelles", "1000"), ("Antwerpen", "Anvers", "2000"),
         ("Gent", "Gand", "9000"), ("Charleroi", "", "6000"), ("Liège", "Luik", "4000"),
         ("Brugge", "Bruges", "8000"), ("Namur", "Namen", "5000"), ("Leuven", "Louvain", "3000"),
         ("Mons", "Bergen", "7000"), ("Aalst", "Alost", "9300"), ("Mechelen", "Malines", "2800"),
         ("Kortrijk", "Courtrai", "8500"), ("Hasselt", "", "3500"), ("Oostende", "Ostende", "8400"),
         ("Genk", "", "3600"), ("Sint-Niklaas", "", "9100"), ("Roeselare", "", "8800")],
        _w("Kerkstraat|Stationsstraat|Dorpsstraat|Molenstraat|Nieuwstraat|Brusselsesteenweg|"
           "Rue de la Station|Rue Haute|Avenue Louise|Chaussée de Bruxelles|Rue du Moulin|"
           "Grote Markt|Industrieweg|Kapelstraat|Schoolstraat|Rue de l'Église|Boulevard Anspach|"
           "Kortrijksesteenweg|Lindenlaan|Avenue des Arts"),
        [("straat", "str."), ("steenweg", "stwg."), ("Avenue", "Av."), ("Chaussée", "Chée"),
         ("Boulevard", "Bd")],
        "0N ### ## ##",
        "04## ## ## ##",
        "32",
        "be",
        "Postbus",
        _w("Belgo|Euro|Nova|Alfa|Optima|Linea|Prima|Flandria"),
    ),
    Country(
        "AT",
        0.16,
        _w("Gruber|Huber|Bauer|Wagner|Müller|Pichler|Steiner|Moser|Mayer|Hofer|Leitner|Berger|"
           "Fuchs|Eder|Fischer|Schmid|Winkler|Weber|Schwarz|Maier|Schneider|Reiter|Mayr|"
           "Schmidt|Wimmer|Egger|Brunner|Lang|Baumgartner|Auer|Binder|Lechner|Wolf|Wallner"),
        _w("Johann|Franz|Maria|Josef|Anna|Karl|Elisabeth|Thomas|Andrea|Michael|Sabine|Peter"),
        _w("Bau|Elektro|Installationen|Tischlerei|Malerei|Steuerberatung|Transporte|Reinigung|"
           "Immobilien|Gastronomie|Dachdeckerei|Spenglerei|Zimmerei|Autohaus|Gartengestaltung|"
           "Haustechnik|Bodenleger|Fliesen|Schlosserei|Baumeister|Sanitär|Kältetechnik"),
        [["GmbH", "Gmbh", "G.m.b.H.", "Ges.m.b.H.", "GesmbH"], ["KG"], ["OG"], ["e.U."], ["AG"]],
        {},
        [("Wien", "Vienna", "1010"), ("Graz", "", "8010"), ("Linz", "", "4020"),
         ("Salzburg", "", "5020"), ("Innsbruck", "", "6020"), ("Klagenfurt", "", "9020"),
         ("Villach", "", "9500"), ("Wels", "", "4600"), ("St. Pölten", "Sankt Pölten", "3100"),
         ("Dornbirn", "", "6850"), ("Steyr", "", "4400"), ("Wiener Neustadt", "", "2700"),
         ("Feldkirch", "", "6800"), ("Bregenz", "", "6900"), ("Leoben", "", "8700"),
         ("Krems", "", "3500"), ("Baden", "", "2500")],
        _w("Hauptstraße|Bahnhofstraße|Kirchengasse|Schulgasse|Mariahilfer Straße|Landstraße|"
           "Industriestraße|Wiener Straße|Dorfstraße|Hauptplatz|Gewerbepark|Lindengasse|"
           "Feldgasse|Mühlweg|Ringstraße|Grazer Straße|Linzer Straße|Gartengasse|Am Anger|"
           "Bräuhausgasse"),
        [("straße", "str."), ("Straße", "Str."), ("gasse", "g."), ("platz", "pl."),
         ("straße", "strasse")],
        "0N## ######",
        "066# ### ####",
        "43",
        "at",
        "Postfach",
        _w("Austria|Alpen|Nova|Alfa|Optima|Linea|Prima|Donau"),
    ),
    Country(
        "NO",
        0.12,
        _w("Hansen|Johansen|Olsen|Larsen|Andersen|Pedersen|Nilsen|Kristiansen|Jensen|Karlsen|"
           "Johnsen|Pettersen|Eriksen|Berg|Haugen|Hagen|Johannessen|Andreassen|Jacobsen|Dahl|"
           "Halvorsen|Henriksen|Lund|Sørensen|Moen|Iversen|Strand|Solberg|Ahmed|Nguyen|Ali"),
        _w("Ola|Kari|Per|Anne|Lars|Ingrid|Jon|Marit|Knut|Hilde|Erik|Silje|Arne"),
        _w("Regnskap|Bygg|Elektro|Rør|Maling|Transport|Eiendom|Snekker|Tak|Ventilasjon|"
           "Revisjon|Renhold|Anlegg|Graving|Drift|Service|Interiør|Bilverksted|Tannklinikk|"
           "Blikkenslager|Murer|Flis|Entreprenør"),
        [["AS", "A/S", "As", "AS."], ["ENK"], ["ANS"], ["DA"], ["ASA"]],
        {},
        [("Oslo", "", "0150"), ("Bergen", "", "5003"), ("Trondheim", "", "7010"),
         ("Stavanger", "", "4006"), ("Drammen", "", "3015"), ("Fredrikstad", "", "1606"),
         ("Kristiansand", "", "4610"), ("Sandnes", "", "4306"), ("Tromsø", "", "9008"),
         ("Sarpsborg", "", "1706"), ("Skien", "", "3724"), ("Ålesund", "", "6002"),
         ("Sandefjord", "", "3210"), ("Haugesund", "", "5527"), ("Tønsberg", "", "3110"),
         ("Lillestrøm", "", "2000"), ("Ski", "", "1400"), ("Bodø", "", "8006")],
        _w("Storgata|Kirkegata|Industriveien|Sjøgata|Strandveien|Torget|Parkveien|Kongens gate|"
           "Nygata|Jernbanegata|Bryggen|Dronningens gate|Fjellveien|Hovedveien|Markveien|"
           "Verkstedveien|Havnegata|Skolegata"),
        [("gata", "gt."), ("gate", "gt."), ("veien", "vn."), ("veien", "v.")],
        "N# ## ## ##",
        "9## ## ###",
        "47",
        "no",
        "Postboks",
        _w("Nordic|Norsk|Nova|Alfa|Optima|Linea|Prima|Fjord"),
    ),
    Country(
        "NL",
        0.08,
        _w("de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|"
           "de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|"
           "Dijkstra|Smits|de Graaf|van der Meer|Kok|Jacobs|de Haan|Vermeulen|Schouten"),
        _w("Jan|Pieter|Kees|Anja|Marco|Linda|Erik|Sandra|Johan|Monique|Bas|Ingrid|Rob"),
        _w("Bouw|Installatietechniek|Transport|Klussenbedrijf|Schilders|Hoveniers|Administratie|"
           "Accountants|Makelaardij|Autobedrijf|Elektrotechniek|Loodgieters|Dakdekkers|"
           "Schoonmaak|Timmerwerken|Tegelwerken|Advies|Vastgoed"),
        [["B.V.", "BV", "b.v.", "B.V"], ["V.O.F.", "VOF", "vof"], ["N.V."]],
        {},
        [("Amsterdam", "", "1011"), ("Rotterdam", "", "3011"),
         ("Den Haag", "'s-Gravenhage", "2511"),
         ("Utrecht", "", "3511"), ("Eindhoven", "", "5611"), ("Groningen", "", "9711"),
         ("Tilburg", "", "5038"), ("Almere", "", "1315"), ("Breda", "", "4811"),
         ("Nijmegen", "", "6511"), ("Zwolle", "", "8011"), ("Leiden", "", "2311"),
         ("Maastricht", "", "6211"), ("Delft", "", "2611")],
        _w("Kerkstraat|Dorpsstraat|Stationsweg|Industrieweg|Molenweg|Hoofdstraat|Marktplein|"
           "Nieuwe Gracht|Havenkade|Julianalaan|Kanaalweg|Beatrixstraat|Prinsengracht|"
           "Koningsweg|Spoorlaan"),
        [("straat", "str."), ("weg", "wg."), ("laan", "ln.")],
        "0N#-#######",
        "06-########",
        "31",
        "nl",
        "Postbus",
        _w("Holland|Euro|Nova|Alfa|Optima|Linea|Prima|Delta"),
    ),
]  # fmt: skip
BY_CODE = {c.code: c for c in COUNTRIES}

FRANCHISES = {
    "NO": (["Kiwi", "Rema 1000", "Coop Extra", "Intersport", "Sparebank1 Regnskap"], "kiwi.no"),
    "DK": (["Netto", "Matas", "Jysk", "Bog & Ide", "Dagrofa"], "matas.dk"),
    "SE": (["ICA Nära", "Elgiganten", "Hemköp", "Apoteket", "Mekonomen"], "ica.se"),
    "BE": (
        ["Delhaize", "Carrefour Express", "Standaard Boekhandel", "Ici Paris XL"],
        "delhaize.be",
    ),
    "AT": (["Billa", "Hofer", "Bipa", "Libro", "Fressnapf"], "billa.at"),
    "NL": (["Albert Heijn", "Jumbo", "Kruidvat", "Hema", "Gamma"], "ah.nl"),
}
PUBLIC_MAIL = ["gmail.com", "hotmail.com", "outlook.com", "live.dk", "telia.com", "gmx.at",
               "telenet.be", "online.no", "ziggo.nl", "yahoo.com"]  # fmt: skip


def _digits_like(r: random.Random, pattern: str) -> str:
    """Digits for # (0-9) and N (1-9) in a pattern such as "0N-### ## ##"."""
    return "".join(
        str(r.randint(0, 9)) if ch == "#" else str(r.randint(1, 9)) if ch == "N" else ch
        for ch in pattern
    )


def _ascii(text: str) -> str:
    table = str.maketrans("æøåäöüéèàç", "aoaaoueeac", "'&. ")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum() or ch == "-")


def _name_key(words: str) -> str:
    """A name as the register compares it: the same words in any order are the same name."""
    return " ".join(sorted(words.lower().replace("&", " ").split()))


def _typo(r: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 5:
        return text
    i = r.choice(letters[1:-1])
    kind = r.random()
    if kind < 0.25 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.5:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i] + text[i:]
    keyboard = {"a": "s", "s": "d", "e": "r", "r": "t", "n": "m", "m": "n", "o": "p", "i": "o",
                "t": "y", "l": "k", "k": "l", "d": "f", "g": "h", "h": "j", "u": "i"}  # fmt: skip
    return text[:i] + keyboard.get(text[i].lower(), "e") + text[i + 1 :]


def _vat(r: random.Random, code: str) -> str:
    """A check-digit-valid number of the country, in its usual written form."""
    while True:
        if code == "NO":
            core = str(r.randint(810000000, 999999999))
            if no_orgnr.is_valid(core):
                return r.choice([f"NO{core}MVA", f"{core}", f"NO {core} MVA", f"{core} MVA"])
        elif code == "DK":
            core = str(r.randint(10000000, 99999999))
            if dk_cvr.is_valid(core):
                return r.choice(
                    [f"DK{core}", core, f"DK {core[:2]} {core[2:4]} {core[4:6]} {core[6:]}"]
                )
        elif code == "SE":
            core = f"5{r.randint(50000000, 59999999):08d}"
            for check in range(10):
                if se_orgnr.is_valid(core + str(check)):
                    num = core + str(check)
                    return r.choice([f"SE{num}01", f"{num[:6]}-{num[6:]}", num])
        elif code == "BE":
            base = r.randint(200000000, 999999999)
            num = f"0{base}"[:8]
            check = 97 - int(num) % 97
            core = f"{num}{check:02d}"
            if be_vat.is_valid(core):
                return r.choice([f"BE{core}", f"BE {core[:4]}.{core[4:7]}.{core[7:]}", core])
        elif code == "AT":
            core = f"{r.randint(10000000, 79999999)}"
            if at_uid.is_valid(f"ATU{core}"):
                return r.choice([f"ATU{core}", f"ATU {core}", f"U{core}"])
        elif code == "NL":
            core = f"{r.randint(1000000, 999999999):09d}"
            if nl_btw.is_valid(f"{core}B01"):
                return r.choice([f"NL{core}B01", f"{core}B01", f"NL {core} B01"])


def _vat_slip(r: random.Random, vat: str) -> str:
    """The same number with one digit wrong or two neighbouring digits swapped."""
    digits = [i for i, ch in enumerate(vat) if ch.isdigit()]
    for _ in range(20):
        if r.random() < 0.5 and len(digits) > 2:
            k = r.randrange(len(digits) - 1)
            i, j = digits[k], digits[k + 1]
            if j == i + 1 and vat[i] != vat[j]:
                return vat[:i] + vat[j] + vat[i] + vat[j + 1 :]
        i = r.choice(digits[1:])
        new = str((int(vat[i]) + r.randint(1, 9)) % 10)
        return vat[:i] + new + vat[i + 1 :]
    return vat


class _Maker:
    def __init__(self, seed: int):
        self.r = random.Random(seed * 7919 + 13)
        self.counter = 0
        self.used_vat: set[str] = set()
        self.used_phone: set[str] = set()
        self.used_domains: set[str] = set()
        self.used_stores: set[tuple[str, str]] = set()
        self.used_names: set[tuple[str, str]] = set()

    def no(self) -> str:
        self.counter += 1
        return f"H{self.counter:07d}"

    def country(self) -> Country:
        return self.r.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]

    def unique(self, used: set[str], make) -> str:
        while True:
            value = make()
            key = "".join(ch for ch in value if ch.isdigit())
            if key not in used:
                used.add(key)
                return value

    def phone(self, c: Country, mobile: bool = False) -> str:
        return self.unique(
            self.used_phone, lambda: _digits_like(self.r, c.mobile if mobile else c.phone)
        )

    def vat(self, c: Country) -> str:
        return self.unique(self.used_vat, lambda: _vat(self.r, c.code))

    def street_address(
        self, c: Country, street: str | None = None, number: int | None = None
    ) -> str:
        r = self.r
        street = street or r.choice(c.streets)
        number = number or int(r.triangular(1, 180, 8))
        extra = ""
        roll = r.random()
        if c.code == "DK" and roll < 0.35:
            extra = f", {r.randint(1, 5)}. {r.choice(['th', 'tv', 'mf'])}."
        elif c.code == "SE" and roll < 0.2:
            extra = f" {r.choice(['A', 'B', 'C'])}"
        elif c.code == "BE" and roll < 0.3:
            extra = f" bus {r.randint(1, 20)}"
        elif c.code == "AT" and roll < 0.3:
            extra = f"/{r.randint(1, 9)}/{r.randint(1, 30)}"
        elif roll < 0.15:
            extra = r.choice(["A", "B", " b"])
        return f"{street} {number}{extra}"

    def post_code(self, c: Country, base: str) -> str:
        r = self.r
        if c.code == "SE":
            head, tail = base.split()
            return f"{head} {int(tail) + r.randint(0, 60):02d}"
        if c.code == "NL":
            letters = "ABCDEFGHJKLMNPRSTVWXZ"
            return f"{int(base) + r.randint(0, 80)} {r.choice(letters)}{r.choice(letters)}"
        width = len(base)
        return f"{int(base) + r.randint(0, 90):0{width}d}"

    def domain(self, words: str, city: str, c: Country) -> str:
        """A web domain of the company's own (another company of that name takes another)."""
        domain = f"{_ascii(words)}.{c.tld}"
        if domain in self.used_domains:
            domain = f"{_ascii(words)}-{_ascii(city)}.{c.tld}"
        while domain in self.used_domains:
            domain = f"{_ascii(words)}{self.r.randint(2, 999)}.{c.tld}"
        self.used_domains.add(domain)
        return domain

    def legal_name(self, c: Country) -> tuple[str, list[str]]:
        """A company name (without legal form) and its words."""
        r = self.r
        surname = r.choice(c.surnames)
        trade = r.choice(c.trades)
        kind = r.random()
        if kind < 0.3:
            words = f"{surname} {trade}"
        elif kind < 0.5:
            words = f"{trade} {surname}"
        elif kind < 0.6:
            words = f"{r.choice(c.first_names)} {surname} {trade}"
        elif kind < 0.68:
            son = r.choice(["Søn", "Sønner", "Zonen", "Söner", "Fils", "Sohn"])
            words = f"{surname} & {son} {trade}"
        elif kind < 0.78:
            words = f"{r.choice(c.fantasy)} {trade}"
        elif kind < 0.86:
            words = f"{trade} {r.choice(c.cities)[0]}"
        elif kind < 0.93:
            words = f"{surname[0]}{r.choice(c.surnames)[0]} {trade}"  # initials
        else:
            words = f"{surname} {trade} {r.choice(c.trades)}"
        return words, words.split()

    def company(self, c: Country | None = None, **over) -> dict:
        r = self.r
        c = c or self.country()
        city, other_city, base = r.choice(c.cities)
        # A name is registered once per country (the register refuses a second one);
        # the namesakes, generic names and franchise stores below are the exceptions.
        words, _ = self.legal_name(c)
        while (c.code, _name_key(words)) in self.used_names and "_words" not in over:
            words, _ = self.legal_name(c)
        self.used_names.add((c.code, _name_key(words)))
        legal = r.choice(c.legal)
        name = f"{words} {legal[0]}" if r.random() < 0.92 else words
        domain = self.domain(words, city, c)
        vat = self.vat(c)  # every company has one; half the records show it
        rec = {
            "no": self.no(),
            "type": "company",
            "name": name,
            "address": self.street_address(c),
            "post_code": self.post_code(c, base),
            "city": city,
            "country": c.code if r.random() < 0.96 else "",
            "phone_no": self.phone(c) if r.random() < 0.55 else "",
            "mobile_phone_no": self.phone(c, mobile=True) if r.random() < 0.12 else "",
            "email": "",
            "vat_registration_no": vat if r.random() < 0.5 else "",
            "_vat": vat,
            "_c": c.code,
            "_words": words,
            "_legal": legal,
            "_domain": domain,
            "_other_city": other_city,
        }
        if r.random() < 0.55:
            if r.random() < 0.12:
                rec["email"] = f"{_ascii(words)[:12]}@{r.choice(PUBLIC_MAIL)}"
            else:
                rec["email"] = (
                    f"{r.choice(['info', 'post', 'kontakt', 'office', 'mail', 'admin'])}@{domain}"
                )
        if r.random() < 0.04:
            rec["address"] = f"{c.po_box} {r.randint(10, 9999)}"
        rec.update(over)
        return rec

    # --- duplicates ------------------------------------------------------------------

    def _spelling(self, rec: dict) -> None:
        """Typing variants of the name: legal form, case, typo, joined or split words."""
        r = self.r
        c = BY_CODE[rec["_c"]]
        words = rec["_words"]
        if r.random() < 0.35:
            words = _typo(r, words)
        if r.random() < 0.1:
            words = words.replace(" & ", " og " if c.code in ("NO", "DK") else " en ")
        if r.random() < 0.08 and " " in words:
            first, rest = words.split(" ", 1)
            words = f"{rest} {first}"
        legal = rec["_legal"]
        if legal[0] in c.reform and r.random() < 0.6:
            form = c.reform[legal[0]]
        else:
            form = r.choice(legal) if r.random() < 0.5 else legal[0]
        name = f"{words} {form}" if r.random() < 0.85 else words
        roll = r.random()
        if roll < 0.1:
            name = name.upper()
        elif roll < 0.15:
            name = name.lower()
        rec["name"] = name

    def _address_variant(self, rec: dict) -> None:
        r = self.r
        c = BY_CODE[rec["_c"]]
        address = rec["address"]
        roll = r.random()
        if roll < 0.35:
            for long, short in c.street_abbr:
                if long in address:
                    address = address.replace(long, short, 1)
                    break
        elif roll < 0.5:
            address = _typo(r, address)
        elif roll < 0.62:
            # floor/door/bus left out or written otherwise
            for sep in (",", " bus ", "/"):
                if sep in address:
                    address = address.split(sep)[0]
                    break
        rec["address"] = address
        if r.random() < 0.1:
            rec["post_code"] = rec["post_code"].replace(" ", "")
        if r.random() < 0.08:
            rec["city"] = rec["city"].upper()
        elif rec["_other_city"] and r.random() < 0.25:
            rec["city"] = rec["_other_city"]

    def _contact_variant(self, rec: dict, base: dict) -> None:
        r = self.r
        c = BY_CODE[rec["_c"]]
        if rec["phone_no"]:
            roll = r.random()
            digits = "".join(ch for ch in rec["phone_no"] if ch.isdigit())
            if roll < 0.25:
                rec["phone_no"] = f"+{c.cc} {digits.lstrip('0')}"
            elif roll < 0.35:
                rec["phone_no"] = digits
            elif roll < 0.5:
                rec["phone_no"] = ""
            elif roll < 0.58:
                rec["mobile_phone_no"], rec["phone_no"] = rec["phone_no"], ""
        elif r.random() < 0.2:
            rec["phone_no"] = self.phone(c)
        if rec["email"] and r.random() < 0.45:
            roll = r.random()
            domain = rec["email"].partition("@")[2]
            if roll < 0.4:
                rec["email"] = ""
            elif roll < 0.8:
                person = r.choice(BY_CODE[rec["_c"]].first_names).lower()
                rec["email"] = f"{person}@{domain}"
            else:
                rec["email"] = f"{_ascii(rec['_words'])[:10]}@{r.choice(PUBLIC_MAIL)}"
        elif not rec["email"] and r.random() < 0.3:
            rec["email"] = f"info@{base['_domain']}"
        vat = rec["vat_registration_no"]
        if vat:
            roll = r.random()
            if roll < 0.35:
                rec["vat_registration_no"] = ""
            elif roll < 0.6:
                digits = "".join(ch for ch in vat if ch.isdigit() or ch == "B")
                rec["vat_registration_no"] = digits if not digits.startswith("B") else vat
        elif r.random() < 0.25:
            rec["vat_registration_no"] = base["_vat"]  # shown on this record only

    def duplicate(self, base: dict, kind: str) -> dict:
        r = self.r
        c = BY_CODE[base["_c"]]
        rec = dict(base)
        rec["no"] = self.no()
        if kind == "typing":
            self._spelling(rec)
            self._address_variant(rec)
            self._contact_variant(rec, base)
        elif kind == "vat_slip":
            self._spelling(rec) if r.random() < 0.5 else None
            if r.random() < 0.5:
                self._address_variant(rec)
            base["vat_registration_no"] = base["vat_registration_no"] or base["_vat"]
            rec["vat_registration_no"] = _vat_slip(r, base["vat_registration_no"])
            if r.random() < 0.5:
                rec["phone_no"] = ""
            if r.random() < 0.5:
                rec["email"] = ""
        elif kind == "trading_name":
            # Base is the legal entity; this record carries the trading name.
            brand = r.choice(FRANCHISES[c.code][0])
            town = base["city"]
            rec["name"] = f"{brand} {base['address'].split()[0]}"
            if (brand, town) not in self.used_stores and r.random() < 0.5:
                self.used_stores.add((brand, town))
                rec["name"] = f"{brand} {town}"
            if not (base["vat_registration_no"] or base["phone_no"]):
                base["vat_registration_no"] = base["_vat"]
            if r.random() < 0.4:
                rec["vat_registration_no"] = ""
            if r.random() < 0.3:
                rec["email"] = ""
            self._address_variant(rec) if r.random() < 0.3 else None
        elif kind == "years_later":
            if r.random() < 0.6:
                self._spelling(rec)
            street = r.choice([s for s in c.streets if s not in base["address"]])
            rec["address"] = self.street_address(c, street=street)
            if r.random() < 0.5:
                rec["post_code"] = self.post_code(
                    c, next(b for n, _o, b in c.cities if n == base["city"])
                )
            rec["phone_no"] = self.phone(c) if r.random() < 0.6 else ""
            rec["mobile_phone_no"] = ""
            new_domain = r.choice(
                [f"{_ascii(base['_words']).replace('-', '')}-{c.code.lower()}.com",
                 f"{_ascii(base['_words'])[:6]}.{c.tld}", f"{_ascii(base['_words'])}group.com"]
            )  # fmt: skip
            rec["email"] = (
                f"{r.choice(['info', 'post', 'kontakt'])}@{new_domain}" if r.random() < 0.6 else ""
            )
            if rec["vat_registration_no"] and r.random() < 0.5:
                rec["vat_registration_no"] = ""
        elif kind == "public_mail":
            self._spelling(rec) if r.random() < 0.4 else None
            rec["email"] = (
                f"{_ascii(base['_words'])[:10]}{r.randint(1, 99)}@{r.choice(PUBLIC_MAIL)}"
            )
            if r.random() < 0.5:
                rec["address"] = f"{c.po_box} {r.randint(10, 9999)}"
            self._contact_variant(rec, base)
        elif kind == "other_language":
            self._spelling(rec) if r.random() < 0.3 else None
            if base["_other_city"]:
                rec["city"] = base["_other_city"]
            self._contact_variant(rec, base)
        return rec

    # --- false alarms --------------------------------------------------------------

    def sisters(self, base: dict) -> list[dict]:
        """Other companies of the same owner at the same address, with their own VAT no."""
        r = self.r
        c = BY_CODE[base["_c"]]
        surname = base["_words"].split()[0]
        kinds = {"NO": ["Holding", "Eiendom", "Invest"], "DK": ["Holding", "Ejendomme", "Invest"],
                 "SE": ["Holding", "Fastigheter", "Förvaltning"],
                 "BE": ["Holding", "Immo", "Beheer"],
                 "AT": ["Holding", "Immobilien", "Beteiligungen"],
                 "NL": ["Holding", "Beheer", "Vastgoed"]}  # fmt: skip
        out = []
        for word in r.sample(kinds[c.code], r.randint(1, 2)):
            legal = base["_legal"]
            rec = self.company(
                c,
                name=f"{surname} {word} {legal[0]}",
                address=base["address"],
                post_code=base["post_code"],
                city=base["city"],
                country=base["country"],
                _words=f"{surname} {word}",
            )
            if base["phone_no"] and r.random() < 0.4:
                rec["phone_no"] = base["phone_no"]
            if base["email"] and "@" in base["email"] and r.random() < 0.6:
                rec["email"] = (
                    f"{r.choice(['post', 'regnskap', 'admin'])}@{base['email'].split('@')[1]}"
                )
            rec["vat_registration_no"] = rec["_vat"]
            out.append(rec)
        if not base["vat_registration_no"] and r.random() < 0.7:
            base["vat_registration_no"] = base["_vat"]
        return out

    def franchise(self, c: Country) -> list[dict]:
        """Stores of one brand in many towns: one e-mail domain, own VAT and phone each."""
        r = self.r
        brands, _domain = FRANCHISES[c.code]
        brand = r.choice(brands)
        domain = f"{_ascii(brand)}.{c.tld}"
        out = []
        for city, _other, base in r.sample(c.cities, r.randint(3, min(8, len(c.cities)))):
            if (brand, city) in self.used_stores:
                continue  # that store exists already: a second one would be a duplicate
            self.used_stores.add((brand, city))
            rec = self.company(
                c, name=f"{brand} {city}", city=city, post_code=self.post_code(c, base)
            )
            rec["email"] = f"{_ascii(city)}@{domain}" if r.random() < 0.6 else ""
            if r.random() < 0.5:
                rec["vat_registration_no"] = rec["_vat"]
            out.append(rec)
        return out

    def generic(self, c: Country) -> list[dict]:
        """Companies called only by their trade, in several places."""
        r = self.r
        trade = r.choice(c.trades)
        legal = r.choice(c.legal)
        out = []
        for _ in range(r.randint(2, 5)):
            city, _other, base = r.choice(c.cities)
            out.append(self.company(c, name=f"{trade} {legal[0]}", city=city,
                                    post_code=self.post_code(c, base), _words=trade))  # fmt: skip
        return out

    def namesake(self, base: dict) -> dict:
        """The same family name and trade in another town: another company."""
        c = BY_CODE[base["_c"]]
        city, _other, pc = self.r.choice([x for x in c.cities if x[0] != base["city"]])
        return self.company(
            c, name=base["name"], city=city, post_code=self.post_code(c, pc), _words=base["_words"]
        )

    def business_centre(self, c: Country) -> list[dict]:
        r = self.r
        city, _other, base = r.choice(c.cities)
        address = self.street_address(c)
        post_code = self.post_code(c, base)
        return [
            self.company(c, address=address, city=city, post_code=post_code)
            for _ in range(r.randint(6, 25))
        ]


DUPLICATE_KINDS = (
    ("typing", 0.42),
    ("vat_slip", 0.1),
    ("trading_name", 0.1),
    ("years_later", 0.16),
    ("public_mail", 0.1),
    ("other_language", 0.12),
)


def generate(
    n: int, seed: int = 1, dup_rate: float = 0.06
) -> tuple[list[dict], list[tuple[str, str]]]:
    """n company records and the true duplicate pairs among them."""
    maker = _Maker(seed)
    r = maker.r
    records: list[dict] = []
    truth: list[tuple[str, str]] = []
    kinds = [k for k, _w in DUPLICATE_KINDS]
    weights = [w for _k, w in DUPLICATE_KINDS]
    while len(records) < n:
        c = maker.country()
        roll = r.random()
        if roll < 0.004:
            records.extend(maker.franchise(c))
            continue
        if roll < 0.012:
            records.extend(maker.generic(c))
            continue
        if roll < 0.014:
            records.extend(maker.business_centre(c))
            continue
        base = maker.company(c)
        records.append(base)
        roll = r.random()
        if roll < dup_rate:
            extra = 1 if r.random() < 0.75 else 2
            group = [base]
            for _ in range(extra):
                kind = r.choices(kinds, weights=weights)[0]
                if kind == "other_language" and not base["_other_city"]:
                    kind = "typing"
                group.append(maker.duplicate(base, kind))
            records.extend(group[1:])
            for i in range(len(group)):
                for j in range(i + 1, len(group)):
                    truth.append((group[i]["no"], group[j]["no"]))
        elif roll < dup_rate + 0.025:
            records.extend(maker.sisters(base))
        elif roll < dup_rate + 0.04:
            records.append(maker.namesake(base))
    records = records[:n]
    kept = {rec["no"] for rec in records}
    truth = [(a, b) for a, b in truth if a in kept and b in kept]
    for rec in records:
        for key in [k for k in rec if k.startswith("_")]:
            del rec[key]
    return records, truth
