"""A first guess at what each column of an unknown CSV holds, from its header: English names
and the common German, French and Spanish ones, with label words (home, work, mobile,
privat, geschäftlich, travail, trabajo...) anywhere in the name. The user corrects the guess
in the column-mapping step; a column it cannot place is kept as an extra field."""

from __future__ import annotations

import re
from collections.abc import Sequence

from importers.csv.presets import recognise
from importers.csv.targets import KEEP, ColumnMapping
from importers.csv.values import norm

# Exact names (after normalising) of the single fields.
_FIELDS = {
    "given": ("first name", "firstname", "first", "given name", "given", "forename",
              "vorname", "prénom", "prenom", "nombre", "nombre de pila"),
    "family": ("last name", "lastname", "last", "surname", "family name", "family",
               "nachname", "familienname", "nom", "nom de famille", "apellido", "apellidos"),
    "middle": ("middle name", "middle", "additional name", "additional names",
               "zweiter vorname", "deuxième prénom", "segundo nombre"),
    "full_name": ("name", "full name", "fullname", "display name", "formatted name",
                  "contact", "contact name", "anzeigename", "vollständiger name",
                  "nom complet", "nombre completo"),
    "prefix": ("prefix", "name prefix", "honorific", "salutation", "anrede", "civilité",
               "civilite", "tratamiento"),
    "suffix": ("suffix", "name suffix", "namenszusatz", "suffixe", "sufijo"),
    "nickname": ("nickname", "nick name", "nick", "spitzname", "surnom", "apodo"),
    "company": ("company", "organization", "organisation", "org", "employer", "account",
                "company name", "organization name", "firma", "unternehmen", "société",
                "societe", "entreprise", "empresa", "compañía", "compania", "organización"),
    "title": ("job title", "title", "position", "role", "jobtitle", "job",
              "berufsbezeichnung", "funktion", "poste", "fonction", "titre", "cargo",
              "puesto"),
    "department": ("department", "dept", "abteilung", "département", "departement",
                   "service", "departamento"),
    "birthday": ("birthday", "birth date", "birthdate", "date of birth", "dob", "geburtstag",
                 "geburtsdatum", "anniversaire", "date de naissance", "cumpleaños",
                 "fecha de nacimiento"),
    "anniversary": ("anniversary", "jahrestag", "hochzeitstag"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description", "notizen",
              "notiz", "bemerkungen", "bemerkung", "anmerkungen", "remarques", "commentaire",
              "commentaires", "notas", "nota", "comentarios"),
    "tags": ("tags", "tag", "categories", "category", "labels", "groups", "group",
             "group membership", "kategorien", "kategorie", "gruppen", "catégories",
             "catégorie", "étiquettes", "categorías", "categoría", "etiquetas"),
}
_BY_NAME = {name: target for target, names in _FIELDS.items() for name in names}

# Words that say which label a detail has, and words that say what kind of detail it is.
_LABEL_WORDS = {
    "home": "home", "private": "home", "personal": "home", "privat": "home",
    "domicile": "home", "personnel": "home", "casa": "home", "particular": "home",
    "work": "work", "business": "work", "office": "work", "company": "work",
    "geschäftlich": "work", "dienstlich": "work", "büro": "work", "travail": "work",
    "bureau": "work", "professionnel": "work", "trabajo": "work", "oficina": "work",
    "other": "other", "andere": "other", "sonstige": "other", "weitere": "other",
    "autre": "other", "otro": "other", "primary": "", "secondary": "", "alternate": "",
    "main": "main",
}
_MOBILE_WORDS = frozenset({"mobile", "cell", "cellular", "handy", "mobil", "mobiltelefon",
                           "portable", "móvil", "movil", "celular"})
_FAX_WORDS = frozenset({"fax", "telefax"})
_KINDS = {
    "email": ("email", "e-mail", "mail", "e-mail address", "email address", "e-mail-adresse",
              "emailadresse", "courriel", "adresse e-mail", "adresse électronique", "correo",
              "correo electrónico", "correo electronico"),
    "phone": ("phone", "telephone", "tel", "phone number", "number", "telefon",
              "telefonnummer", "rufnummer", "téléphone", "numéro", "teléfono", "telefono"),
    "website": ("website", "web site", "web page", "webpage", "url", "homepage", "home page",
                "web", "webseite", "internetseite", "site web", "site", "sitio web",
                "página web", "pagina web"),
}
_KIND_BY_NAME = {name: kind for kind, names in _KINDS.items() for name in names}
_ADDRESS_PARTS = {
    "street": ("street", "address", "street address", "address line 1", "address line 2",
               "address 2", "straße", "strasse", "anschrift", "adresse", "rue", "calle",
               "dirección", "direccion", "domicilio"),
    "locality": ("city", "town", "locality", "ort", "stadt", "wohnort", "ville", "ciudad",
                 "localidad", "población"),
    "region": ("state", "region", "province", "county", "bundesland", "kanton", "région",
               "departement", "provincia", "estado", "state/province"),
    "postal_code": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code",
                    "plz", "postleitzahl", "code postal", "cp", "código postal",
                    "codigo postal"),
    "country": ("country", "country/region", "land", "staat", "pays", "país", "pais"),
    "po_box": ("po box", "p.o. box", "postfach", "boîte postale", "apartado"),
}
_PART_BY_NAME = {name: part for part, names in _ADDRESS_PARTS.items() for name in names}
_IM_SERVICES = {"skype": "Skype", "jabber": "Jabber", "xmpp": "XMPP", "icq": "ICQ",
                "aim": "AIM", "msn": "MSN", "yahoo": "Yahoo", "google talk": "Google Talk",
                "gtalk": "Google Talk", "telegram": "Telegram", "signal": "Signal",
                "whatsapp": "WhatsApp", "matrix": "Matrix", "irc": "IRC"}
_PUNCT = re.compile(r"[()\[\]_:.#,]+|\s-\s|\s+\d+$|^\d+\s+|'s\b")


def suggest_mapping(header: Sequence[str]) -> ColumnMapping:
    """The best guess for a header: a known export's own mapping when it is one, else a
    target for each column whose name says what it holds."""
    preset = recognise(header)
    if preset is not None:
        return preset.mapping(header)
    columns: dict[int, str] = {}
    names = [norm(h) for h in header]
    for i, name in enumerate(names):
        target = _guess(name)
        # Outlook's order, copied by many exports: "Title" just before "First Name" is
        # the courtesy title (Dr., Ms.), not the job title.
        if target == "title" and i + 1 < len(names) and _guess(names[i + 1]) == "given":
            target = "prefix"
        if target is not None:
            columns[i] = target
    return ColumnMapping(columns)


def _guess(name: str) -> str | None:
    if not name:
        return None
    if name in _BY_NAME:
        return _BY_NAME[name]
    words = " ".join(_PUNCT.sub(" ", name).split())
    if words in _BY_NAME:
        return _BY_NAME[words]
    label, mobile, fax, rest = "", False, False, []
    for word in words.split():
        if word in _LABEL_WORDS:
            label = label or _LABEL_WORDS[word]
        elif word in _MOBILE_WORDS:
            mobile = True
        elif word in _FAX_WORDS:
            fax = True
        elif not word.isdigit():
            rest.append(word)
    kind_words = " ".join(rest)
    if kind_words in ("im", "chat", "messenger") or kind_words in _IM_SERVICES:
        service = _IM_SERVICES.get(kind_words) or next(
            (s for w, s in _IM_SERVICES.items() if w in words.split()), "")
        return f"im:{service}" if service else KEEP
    if kind_words.startswith(("im ", "chat ")) and kind_words.split()[1] in _IM_SERVICES:
        return f"im:{_IM_SERVICES[kind_words.split()[1]]}"
    kind = _KIND_BY_NAME.get(kind_words)
    if kind is None and len(rest) > 1:  # "Website Blog", "Car Phone"
        for word, others in ((rest[0], rest[1:]), (rest[-1], rest[:-1])):
            if word in _KIND_BY_NAME:
                kind, label = _KIND_BY_NAME[word], label or " ".join(others)
                break
    if kind_words == "pager":
        return "phone:pager"
    if mobile and kind in (None, "phone"):
        return "phone:mobile"
    if fax and kind in (None, "phone"):
        return "phone:fax" if label in ("", "work") else f"phone:{label} fax"
    if kind is not None:
        return f"{kind}:{label or ('work' if kind == 'website' else 'other')}"
    part = _PART_BY_NAME.get(kind_words)
    if part is not None:  # all unlabelled parts share a label, so they make one address
        return f"address:{label or 'other'}:{part}"
    return None
