"""What the reports of one run share: a result or a chart computed by one report is
reused by the others, across the run's workers.

A report set repeats work: every sector report in a language compares the same
sectors (the bootstrap and the Games–Howell tests) and draws the same benchmark-wide
charts (the dimension scores, the answers to every statement), and the benchmark
report draws some of them again. :func:`cxbench.publish.run_reports` therefore gives
its workers and their kernels a folder of their own for the run (the environment
variable :data:`RUN_CACHE_ENV`), removed when the run ends. In it:

- :func:`cached_result` keeps a function's result (pickled), keyed by a digest of the
  function and of every argument's value (:func:`call_key`);
- :func:`cached_render` keeps a chart's rendered image, keyed by the same digest of
  the plotting call, by what it was rendered with (format, resolution) and by
  matplotlib's settings at both moments: the figure is still made and returned, but
  it is drawn once per run instead of once per report. A figure changed after the
  call (a notebook adding a title) is drawn as it is, and not kept.

Outside a report run (a notebook, a script) the variable is not set and nothing is
cached: both decorators call the function as it is. An argument whose value cannot
be digested (a matplotlib ``Axes`` to draw into, an unknown object) also turns the
cache off for that call, so a cached answer is only ever one that the same call with
equal arguments would compute. ``tests/test_runcache.py`` checks the keys and both
decorators; ``tests/test_pipeline.py`` that reports made with the cache are
byte-identical to reports made without it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "RUN_CACHE_ENV",
    "cache_folder",
    "cached_render",
    "cached_result",
    "call_key",
]

#: The run's cache folder; set by :func:`cxbench.publish.run_reports` for its workers.
RUN_CACHE_ENV = "CXBENCH_RUN_CACHE"

F = TypeVar("F", bound=Callable[..., Any])


class _NoDigest(Exception):
    """A value whose digest cannot be taken: the call is not cached."""


def cache_folder() -> Path | None:
    """The run's cache folder, or None outside a report run.

    Examples
    --------
    >>> import os
    >>> cache_folder() is None or RUN_CACHE_ENV in os.environ
    True
    """
    folder = os.environ.get(RUN_CACHE_ENV)
    if not folder:
        return None
    path = Path(folder)
    return path if path.is_dir() else None


def _feed(h: Any, value: Any) -> None:
    """Add ``value``'s type and content to the hash ``h``; raise :class:`_NoDigest`."""
    kind = type(value)
    h.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if value is None or isinstance(value, bool | int | float | complex | str | bytes):
        h.update(repr(value).encode())
    elif isinstance(value, np.generic):
        h.update(repr(value.item()).encode())
    elif isinstance(value, pd.DataFrame):
        _feed(h, [repr(c) for c in value.columns])
        _feed(h, [str(t) for t in value.dtypes])
        _feed(h, list(value.index.names))
        _feed(h, dict(value.attrs))
        h.update(pd.util.hash_pandas_object(value.index, index=False).to_numpy().tobytes())
        for column in range(value.shape[1]):
            _feed(h, value.iloc[:, column])
    elif isinstance(value, pd.Series):
        h.update(repr((value.name, str(value.dtype), len(value))).encode())
        if isinstance(value.dtype, pd.CategoricalDtype):  # the order of the categories
            _feed(h, [value.dtype.categories.tolist(), value.dtype.ordered])
        elif value.dtype == object:  # pandas hashes 1 and "1" alike
            h.update(pd.api.types.infer_dtype(value, skipna=False).encode())
        try:
            h.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
        except TypeError as exc:  # values pandas cannot hash (lists in cells ...)
            raise _NoDigest from exc
    elif isinstance(value, pd.Index):
        h.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes())
    elif isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            _feed(h, value.tolist())
        else:
            h.update(repr((value.dtype.str, value.shape)).encode())
            h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        h.update(str(len(items)).encode())
        for item in items:
            _feed(h, item)
    elif isinstance(value, Mapping):
        h.update(str(len(value)).encode())
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            h.update(field.name.encode())
            _feed(h, getattr(value, field.name))
    elif isinstance(value, Path):
        h.update(str(value).encode())
    else:
        raise _NoDigest(kind.__qualname__)


def call_key(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> str | None:
    """A digest of a call: the function's name and every argument's type and value.

    None when an argument cannot be digested (the call is then not cached). Data
    frames are digested by their columns, types, index and values; dataclasses
    (instruments, comparisons) field by field.

    Examples
    --------
    >>> a = call_key("f", (pd.DataFrame({"x": [1, 2]}),), {"language": "en"})
    >>> b = call_key("f", (pd.DataFrame({"x": [1, 3]}),), {"language": "en"})
    >>> c = call_key("f", (pd.DataFrame({"x": [1, 2]}),), {"language": "en"})
    >>> a == c, a == b
    (True, False)
    >>> call_key("f", (object(),), {}) is None
    True
    """
    h = hashlib.sha256(name.encode())
    try:
        _feed(h, args)
        _feed(h, dict(sorted(kwargs.items())))
    except (_NoDigest, RecursionError):
        return None
    return h.hexdigest()


def _path(kind: str, key: str) -> Path | None:
    folder = cache_folder()
    return None if folder is None else folder / f"{kind}-{key}"


def _load(kind: str, key: str) -> bytes | None:
    path = _path(kind, key)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _store(kind: str, key: str, data: bytes) -> None:
    """Write atomically (another worker may read it at once); a failure only means
    that the next report computes it again."""
    path = _path(kind, key)
    if path is None:
        return
    with contextlib.suppress(OSError):
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def cached_result(function: F) -> F:
    """Keep ``function``'s result for the rest of the run (see the module's text).

    The result must pickle; a call outside a report run, or with an argument that
    cannot be digested, simply calls ``function``.

    Examples
    --------
    >>> @cached_result
    ... def double(frame):
    ...     return frame * 2
    >>> double(pd.DataFrame({"x": [1]}))["x"].tolist()
    [2]
    """

    @functools.wraps(function)
    def cached(*args: Any, **kwargs: Any) -> Any:
        if cache_folder() is None:
            return function(*args, **kwargs)
        key = call_key(f"{function.__module__}.{function.__qualname__}", args, kwargs)
        if key is None:
            return function(*args, **kwargs)
        data = _load("result", key)
        if data is not None:
            with contextlib.suppress(Exception):
                # written by this run, into a folder only this user can write
                return pickle.loads(data)
        result = function(*args, **kwargs)
        with contextlib.suppress(Exception):
            _store("result", key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        return result

    return cached  # type: ignore[return-value]


def _settings_key() -> str:
    """A digest of matplotlib's current settings (they can change how a chart looks)."""
    import matplotlib

    return hashlib.sha256(
        repr((matplotlib.__version__, sorted(matplotlib.rcParams.items()))).encode()
    ).hexdigest()


@functools.cache
def _canvas_class() -> type:
    """The canvas class of cached figures (made on first use: matplotlib loads late)."""
    from matplotlib.backend_bases import FigureCanvasBase

    class RenderCacheCanvas(FigureCanvasBase):
        """A canvas that takes an image of its figure from the run's cache when the
        same chart was rendered the same way before, and adds it there otherwise."""

        def print_figure(self, filename: Any, *args: Any, **kwargs: Any) -> Any:
            made = getattr(self.figure, "_cxbench_render_key", None)
            # a figure changed since it was made (a title added in the notebook ...) is
            # no longer what the call makes: drawn, and not kept
            if made is None or self.figure.stale or args or not hasattr(filename, "write"):
                return super().print_figure(filename, *args, **kwargs)
            key = call_key("render", (made, _settings_key()), kwargs)
            data = None if key is None else _load("render", key)
            if data is None:
                buffer = io.BytesIO()
                super().print_figure(buffer, **kwargs)
                data = buffer.getvalue()
                if key is not None:
                    _store("render", key, data)
            filename.write(data)
            return None

    return RenderCacheCanvas


def cached_render(plot: F) -> F:
    """Let the figures ``plot`` returns be rendered once per run (see the module's text).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> @cached_render
    ... def empty(width):
    ...     return Figure(figsize=(width, 1))
    >>> float(empty(2).get_figwidth())
    2.0
    """

    @functools.wraps(plot)
    def rendered(*args: Any, **kwargs: Any) -> Any:
        figure = plot(*args, **kwargs)
        if cache_folder() is None:
            return figure
        key = call_key(f"{plot.__module__}.{plot.__qualname__}", args, kwargs)
        if key is not None and type(figure.canvas).__name__ == "FigureCanvasBase":
            figure._cxbench_render_key = f"{key}-{_settings_key()}"
            _canvas_class()(figure)
            # any later change to the figure or its artists makes it stale again
            figure.stale = False
        return figure

    return rendered  # type: ignore[return-value]
