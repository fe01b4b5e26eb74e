"""Limits on what cxbench reads, and the one safe way it reads YAML.

A survey export or an instrument file comes from outside: a damaged, hostile or
merely unlucky file must be refused with one clear line, never crash, hang or fill
the memory. The limits are module constants, checked *before* the expensive step
(unzipping, allocating cells, composing YAML), so that refusing is cheap; each
message names the limit. A test, or a user with a genuinely larger file, can raise a
limit by assigning the constant (readers look it up when they run).

Examples
--------
>>> safe_load("scale: {min: 1, max: 5}")
{'scale': {'min': 1, 'max': 5}}
>>> safe_load("a: &x [1]\\nb: *x\\n")
{'a': [1], 'b': [1]}
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_CSV_FIELD_CHARS",
    "MAX_TEXT_BYTES",
    "MAX_UNZIPPED_BYTES",
    "MAX_YAML_ALIASES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "RATIO_CHECKED_FROM_BYTES",
    "InputLimitError",
    "YAMLLimitError",
    "check_regular_file",
    "read_limited_text",
    "read_yaml_file",
    "safe_load",
]

MAX_COLUMNS: int = 10_000
"""Most columns a survey file may have.

A long Qualtrics or SPSS export has a few thousand; matching columns to items costs
time per column and item, so a 2 MB file of 200,000 columns would keep the reader
busy for minutes.

Examples
--------
>>> MAX_COLUMNS
10000
"""

MAX_CELLS: int = 20_000_000
"""Most cells a table read at once may have (e.g. 100,000 respondents x 200 columns).

For an XLSX worksheet, the rows x columns of its used range, checked against the
declared dimension and the cells actually found before any cell is allocated: a
2 KB workbook that declares a cell at ``XFD1048576`` would otherwise ask for 17
billion cells. For Parquet and SPSS, rows x columns from the file's metadata; for
delimited text, the fields read.

Examples
--------
>>> 100_000 * 200 <= MAX_CELLS < 16_384 * 1_048_576
True
"""

MAX_UNZIPPED_BYTES: int = 1024 * 1024 * 1024
"""Most bytes the members of an XLSX (zip) file may unzip to, all together (1 GiB).

Read from the zip's directory (``ZipInfo.file_size``) before anything is unzipped;
Python's :mod:`zipfile` never hands out more than a member's declared size, so the
declared sizes bound what is decompressed.

Examples
--------
>>> MAX_UNZIPPED_BYTES
1073741824
"""

MAX_COMPRESSION_RATIO: int = 200
"""Highest ratio of unzipped to zipped size a large XLSX member may have.

Worksheet XML compresses about 5-30 times; a "zip bomb" (zeros or one repeated
pattern) compresses a thousand times. Checked for members of at least
:data:`RATIO_CHECKED_FROM_BYTES` unzipped bytes, so that small members (which
compress oddly) do not trip it.

Examples
--------
>>> 30 < MAX_COMPRESSION_RATIO < 1000
True
"""

RATIO_CHECKED_FROM_BYTES: int = 1024 * 1024
"""Unzipped size from which :data:`MAX_COMPRESSION_RATIO` is checked (1 MiB).

Examples
--------
>>> RATIO_CHECKED_FROM_BYTES
1048576
"""

MAX_TEXT_BYTES: int = 256 * 1024 * 1024
"""Largest delimited text (CSV) file read whole, in bytes (256 MiB).

A text file is held in memory while it is decoded (about two to four times its
size at the peak), so its size is checked before it is read.

Examples
--------
>>> MAX_TEXT_BYTES // 2**20
256
"""

MAX_CSV_FIELD_CHARS: int = 131_072
"""Longest field (cell) of a delimited text file, in characters.

The same as Python's :func:`csv.field_size_limit` default, set explicitly while
cxbench reads: a file with one enormous field (no delimiter, no newline, e.g. a
binary dump) is refused at the limit instead of being gathered into one string.

Examples
--------
>>> MAX_CSV_FIELD_CHARS
131072
"""

MAX_YAML_BYTES: int = 2 * 1024 * 1024
"""Largest YAML file (instrument, commentary, mapping, metadata sidecar) read (2 MiB).

Examples
--------
>>> MAX_YAML_BYTES
2097152
"""

MAX_YAML_ALIASES: int = 100
"""Most aliases (``*name``) one YAML document may use.

Aliases let a few lines stand for an exponentially large structure ("billion
laughs"); cxbench's files have no need of more than a few.

Examples
--------
>>> safe_load("a: &x 1\\nb: *x") == {"a": 1, "b": 1}
True
"""

MAX_YAML_NODES: int = 1_000_000
"""Most values (scalars, lists, mappings) a YAML document may stand for, aliases
expanded.

Few aliases suffice for a bomb: ten lines of ten aliases each stand for 10¹⁰ values,
which anything that walks them (printing a note, copying a mapping) never finishes.
A document without aliases stays far under the limit (a 2 MiB file holds fewer than
a million values).

Examples
--------
>>> ten = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
...     f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 7))
>>> safe_load(ten)
Traceback (most recent call last):
...
cxbench.limits.YAMLLimitError: stands for more than 1,000,000 values once its aliases are ...
"""

MAX_YAML_DEPTH: int = 64
"""Deepest nesting of mappings and sequences in a YAML document.

The composer recurses once per level: ``[[[[...]]]]`` 20,000 levels deep would end
in a :class:`RecursionError`. An instrument file is about five levels deep.

Examples
--------
>>> safe_load("[" * 10 + "]" * 10)
[[[[[[[[[[]]]]]]]]]]
"""


class InputLimitError(ValueError):
    """An input breaks one of cxbench's limits, or is not a regular file.

    The message says what was found and which limit it breaks; the reader that
    catches it adds the file's name.

    Examples
    --------
    >>> str(InputLimitError("more than 100 YAML aliases"))
    'more than 100 YAML aliases'
    """


class YAMLLimitError(InputLimitError, yaml.YAMLError):
    """A YAML document breaks a limit (aliases, depth, numbers), or cannot be built.

    It is also a :class:`yaml.YAMLError`, so code that catches YAML errors catches it.

    Examples
    --------
    >>> try:
    ...     safe_load("[" * 100 + "]" * 100)
    ... except YAMLLimitError as exc:
    ...     print(exc)
    is nested more than 64 levels deep (cxbench.limits.MAX_YAML_DEPTH)
    """


def _kind_of(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a plain file")


def check_regular_file(path: str | Path) -> os.stat_result:
    """Stat ``path`` and refuse anything but a regular file, without opening it.

    Opening a named pipe blocks until someone writes to it, and ``/dev/zero`` never
    ends: only regular files (symbolic links to them included) are read.

    Returns
    -------
    os.stat_result

    Raises
    ------
    FileNotFoundError
        When nothing is there.
    InputLimitError
        ``"not a regular file (a named pipe (FIFO))"`` and the like.

    Examples
    --------
    >>> check_regular_file("/dev/null")
    Traceback (most recent call last):
    ...
    cxbench.limits.InputLimitError: not a regular file (a character device)
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise InputLimitError(f"not a regular file ({_kind_of(info.st_mode)})")
    return info


def read_limited_text(path: str | Path, *, max_bytes: int | None = None) -> str:
    """Read a small UTF-8 text file (YAML, Markdown), refusing what is not one.

    Parameters
    ----------
    path : str or Path
    max_bytes : int, optional
        The largest size accepted; default :data:`MAX_YAML_BYTES`.

    Raises
    ------
    InputLimitError
        Not a regular file, or larger than ``max_bytes``.
    UnicodeDecodeError
        Not UTF-8 text.
    OSError
        Missing or unreadable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
    >>> _ = path.write_text("note: Þórshöfn\\n", encoding="utf-8")
    >>> read_limited_text(path)
    'note: Þórshöfn\\n'
    >>> read_limited_text(path, max_bytes=4)
    Traceback (most recent call last):
    ...
    cxbench.limits.InputLimitError: larger than 4 bytes, the most accepted
    """
    limit = MAX_YAML_BYTES if max_bytes is None else max_bytes
    info = check_regular_file(path)
    named = " (cxbench.limits.MAX_YAML_BYTES)" if max_bytes is None else ""
    too_big = InputLimitError(f"larger than {limit:,} bytes, the most accepted{named}")
    if info.st_size > limit:
        raise too_big
    with open(path, "rb") as handle:
        raw = handle.read(limit + 1)  # the file may have grown since stat
    if len(raw) > limit:
        raise too_big
    return raw.decode("utf-8")


def _expanded_size(node: yaml.Node, sizes: dict[int, int | None]) -> int:
    """How many values ``node`` stands for with its aliases expanded (each shared node
    counted once per use, computed once); a node that contains itself is refused."""
    key = id(node)
    if key in sizes:
        known = sizes[key]
        if known is None:
            raise YAMLLimitError("uses an alias inside its own anchor (a recursive structure)")
        return known
    sizes[key] = None  # in progress
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    else:
        size = 1
    if size > MAX_YAML_NODES:
        raise YAMLLimitError(
            f"stands for more than {MAX_YAML_NODES:,} values once its aliases are expanded, "
            "as a 'billion laughs' file does (cxbench.limits.MAX_YAML_NODES)"
        )
    sizes[key] = size
    return size


class _LimitedSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting aliases and nesting as it composes nodes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YAMLLimitError(
                    f"uses more than {MAX_YAML_ALIASES} aliases (*name), as a 'billion "
                    "laughs' file does (cxbench.limits.MAX_YAML_ALIASES)"
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YAMLLimitError(
                    f"is nested more than {MAX_YAML_DEPTH} levels deep "
                    "(cxbench.limits.MAX_YAML_DEPTH)"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def safe_load(text: str) -> Any:
    """Parse one YAML document safely and within limits: cxbench's only YAML reader.

    Like :func:`yaml.safe_load` (plain data only, no Python objects), and also
    refuses more than :data:`MAX_YAML_ALIASES` aliases and nesting deeper than
    :data:`MAX_YAML_DEPTH`; a value that cannot be built (e.g. an integer of more
    digits than Python converts) is refused too, instead of escaping as another
    exception.

    Raises
    ------
    yaml.YAMLError
        Not YAML; :class:`YAMLLimitError` (a subclass) when a limit is broken.

    Examples
    --------
    A "billion laughs": twelve lines, each nine aliases of the line above.

    >>> bomb = "a: &a [lol]\\n" + "".join(
    ...     f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\\n" for p, c in zip("abcdefghijkl",
    ...                                                                  "bcdefghijklm"))
    >>> safe_load(bomb)
    Traceback (most recent call last):
    ...
    cxbench.limits.YAMLLimitError: uses more than 100 aliases (*name), as a 'billion laughs' ...
    """
    loader = _LimitedSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {})
        return loader.construct_document(node)
    except yaml.YAMLError:
        raise
    except (ValueError, OverflowError, RecursionError, TypeError) as exc:
        raise YAMLLimitError(f"a value cannot be read ({exc})") from None
    finally:
        loader.dispose()


def read_yaml_file(path: str | Path, what: str) -> tuple[Any, str | None]:
    """Read a small YAML file within the limits: ``(data, None)``, or ``(None, problem)``
    with the problem in words (``what`` names the file in "no such <what>"), for a
    reader to raise as its own error naming the file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.yaml").write_text("a: [1, 2]\\n", encoding="utf-8")
    >>> read_yaml_file(folder / "a.yaml", "file"), read_yaml_file(folder / "b.yaml", "file")
    (({'a': [1, 2]}, None), (None, 'no such file'))
    """
    try:
        return safe_load(read_limited_text(path)), None
    except FileNotFoundError:
        return None, f"no such {what}"
    except InputLimitError as exc:
        kind = "the YAML " if isinstance(exc, YAMLLimitError) else ""
        return None, f"refused: {kind}{exc}"
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot be read ({exc})"
    except yaml.YAMLError as exc:
        return None, f"not valid YAML ({exc})"
