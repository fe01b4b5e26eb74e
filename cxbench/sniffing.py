"""What a text file is: its encoding and its delimiter, recognised from its bytes.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised for sure; otherwise the
Windows code pages 1252 (Western), 1254 (Turkish) and 1251 (Cyrillic) are told apart on
evidence — letters that exist in only one of the alphabets, Turkish vowel harmony —
and a doubt is refused (:func:`detect_encoding`), not guessed. :func:`detect_delimiter`
picks the most consistent of ``, ; TAB |``.
"""

from __future__ import annotations

import csv
import re

from .errors import UnusableFileError

__all__ = ["detect_delimiter", "detect_encoding"]


_DELIMITERS = ",;\t|"


#: Letters of the Turkish alphabet (lower case), with the circumflexed vowels of loanwords.
_TURKISH_LETTERS = frozenset("abcçdefgğhıijklmnoöprsştuüvyzâîû")


#: Letters of Icelandic and Faroese, the languages that write ð, þ and ý in cp1252.
_NORDIC_LETTERS = frozenset("abdefghijklmnoprstuvxyáðéíóúýþæöø")


_FRONT, _BACK = frozenset("eiöü"), frozenset("aıou")


_WORD = re.compile(r"[^\W\d_]+")


def _turkish_word(word: str) -> bool:
    """Could ``word`` (as cp1254 reads it) be Turkish: its alphabet, ğ after a vowel."""
    lower = word.replace("I", "ı").replace("İ", "i").lower()
    if not set(lower) <= _TURKISH_LETTERS:
        return False
    return all(i > 0 and lower[i - 1] in "aeıioöuüâîû" for i, c in enumerate(lower) if c == "ğ")


def _nordic_word(word: str) -> bool:
    """Could ``word`` (as cp1252 reads it) be Icelandic or Faroese: alphabet, ð not first."""
    lower = word.lower()
    return set(lower) <= _NORDIC_LETTERS and not lower.startswith("ð")


def _harmonic(word: str) -> bool:
    """Turkish vowel harmony: the vowels all front (e i ö ü) or all back (a ı o u)."""
    vowels = set(word.replace("I", "ı").replace("İ", "i").lower()) & (_FRONT | _BACK)
    return vowels <= _FRONT or vowels <= _BACK


def _western_or_turkish(raw: bytes, source: str) -> str:
    """Choose cp1252 or cp1254 for Latin code-page text, or refuse when unsure.

    The two code pages differ in six letters (cp1252 ``Ð Ý Þ ð ý þ``, cp1254
    ``Ğ İ Ş ğ ı ş``) and in ``Ž ž`` (cp1252 only). Each word holding one of them is
    read both ways: a reading outside its language's alphabet (``Şórshöfn``,
    ``Müþteri``) is ruled out. A word both readings allow counts for Turkish only
    when it obeys Turkish vowel harmony (``Şirket``, ``Sağlık``); words for both
    languages, or a word for neither, leave the choice to the user.
    """
    turkish = raw.decode("cp1254", errors="replace")
    western = raw.decode("cp1252", errors="replace")
    if turkish == western:
        return "cp1254"  # the same text either way
    if "\ufffd" in turkish and "\ufffd" not in western:
        return "cp1252"  # Ž or ž: cp1254 has no such byte
    votes: dict[str, tuple[int, str, str]] = {}
    unsure: tuple[int, str, str] | None = None
    for match in _WORD.finditer(turkish):
        start, end = match.span()
        as_turkish, as_western = match.group(), western[start:end]
        if as_turkish == as_western:
            continue
        line = raw.count(b"\n", 0, start) + 1
        is_turkish, is_western = _turkish_word(as_turkish), _nordic_word(as_western)
        if is_turkish and is_western and _harmonic(as_turkish):
            votes.setdefault("tie", (line, as_turkish, as_western))
        elif is_turkish != is_western:
            votes.setdefault("cp1254" if is_turkish else "cp1252", (line, as_turkish, as_western))
        else:
            unsure = unsure or (line, as_turkish, as_western)
    decided = {"cp1254", "cp1252"} & set(votes)
    if len(decided) == 1 and unsure is None:
        return decided.pop()
    if not decided and "tie" in votes and unsure is None:
        return "cp1254"
    if len(decided) == 2:
        line, as_turkish, as_western = votes["cp1252"]
        other = votes["cp1254"]
        problem = (
            f"the text mixes Western European (cp1252) words, e.g. {as_western!r} on line "
            f"{line}, with Turkish (cp1254) ones, e.g. {other[1]!r} on line {other[0]}"
        )
    else:
        line, as_turkish, as_western = unsure or votes["tie"]
        problem = (
            f"cannot tell the encoding: line {line} reads {as_western!r} as Western European "
            f"(cp1252) but {as_turkish!r} as Turkish (cp1254)"
        )
    raise UnusableFileError(
        source or "(text)", f"{problem}; name it with --encoding cp1252 or --encoding cp1254"
    )


def detect_encoding(raw: bytes, *, source: str = "") -> str:
    """Name the text encoding of ``raw``: UTF-8 (BOM or not), UTF-16, cp1252, cp1254 or cp1251.

    UTF-8 is tried strictly first. Bytes that are not UTF-8 are Windows code page
    text; telling Cyrillic (1251) from Latin (1252 Western, 1254 Turkish) needs a
    judgement, because every byte decodes in each. Survey exports are mostly ASCII
    with a few national letters, too little for statistical detectors, so the rule
    used is about word shape: Latin national letters sit *inside* Latin words
    (``Müşteri``), next to ASCII letters, while Russian words are made wholly of
    non-ASCII bytes. Western and Turkish text differ in six letters only (``Þ/Ş``,
    ``ð/ğ``, ``ý/ı``...): each word holding one is read both ways and the reading
    outside its language's alphabet is ruled out (``Şórshöfn`` is not Turkish,
    ``Müþteri`` not Icelandic); when that leaves a doubt, the text is refused rather
    than guessed.

    Parameters
    ----------
    raw : bytes
    source : str, optional
        The file, named in the error.

    Raises
    ------
    UnusableFileError
        When the text could be Western European or Turkish and nothing tells which;
        the message quotes the word both ways and asks for ``--encoding``.

    Examples
    --------
    >>> detect_encoding("Müşteri".encode("cp1254")), detect_encoding("Банк".encode("cp1251"))
    ('cp1254', 'cp1251')
    >>> detect_encoding("Þórshöfn;Ærø".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("\\ufeffid".encode("utf-8")), detect_encoding("Banka".encode())
    ('utf-8-sig', 'utf-8')
    >>> detect_encoding("id\\nEgilsstaðir".encode("cp1252"), source="s.csv")
    Traceback (most recent call last):
    ...
    cxbench.errors.UnusableFileError: s.csv: cannot tell the encoding: line 2 reads 'Egilsstaðir'
    as Western European (cp1252) but 'Egilsstağir' as Turkish (cp1254); name it with --encoding
    cp1252 or --encoding cp1254
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    inside_latin = beside_other = 0
    for position, byte in enumerate(raw):
        if byte < 0x80:
            continue
        neighbours = raw[max(position - 1, 0) : position] + raw[position + 1 : position + 2]
        if any(chr(b).isascii() and chr(b).isalpha() for b in neighbours):
            inside_latin += 1
        else:
            beside_other += 1
    # Russian words give (almost) no byte beside a Latin letter; a Turkish word that
    # starts with two national letters (Öğrenci) still gives one in two.
    if inside_latin * 3 < beside_other:
        return "cp1251"
    return _western_or_turkish(raw, source)


def detect_delimiter(text: str) -> str:
    """Find the field delimiter of delimited ``text``: one of ``, ; TAB |``.

    :class:`csv.Sniffer` is asked first; when it cannot decide, the delimiter that
    splits the header line into the most fields wins (a comma for a single column).

    Examples
    --------
    >>> detect_delimiter("id;sector;measure_1\\nR1;Finans;4\\n")
    ';'
    >>> detect_delimiter('id,answer\\nR1,"Ni soglasen, ni ne soglasen"\\n')
    ','
    """
    sample = "\n".join(text[: 2**20].splitlines()[:50])  # 50 lines, of at most 1 MB
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","
