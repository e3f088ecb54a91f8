"""Stage 4, how to make it: a page rendered from its ``Recipe`` (``pages.py`` lists them as ``Job``s); pure, no I/O.

Links inside pages are relative (``../../threads/x/``) so the site works at any base path and
from any static server; only canonical URLs, feeds and the sitemap use the absolute ``base_url``.
The 404 page is the exception: it is served at arbitrary paths, so its links are absolute.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import BuiltinFunctionType, FunctionType
from typing import Any, NamedTuple

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import UndefinedError
from jinja2.nodes import Expr
from jinja2.runtime import Context, Macro
from markupsafe import escape

try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # MarkupSafe without its C extension: the same text, wrapped
    _escape_inner = escape

from . import cite, csp, github, history, linked_data
from .charts import step_chart
from .fragments import Fragments
from .markdown import reason_text, sections
from .model import PartialDate, Proponent, SiteConfig, Source, Thread
from .revisions import history_url
from .schema import CONFIDENCE, STATUS

Made = str | bytes | Iterator[bytes]
"""What a job makes: text, bytes, or bytes in pieces to be written as they come (the largest files)."""


def file_bytes(made: Made) -> bytes:
    """The whole file ``made`` stands for, as bytes."""
    if isinstance(made, str):
        return made.encode("utf-8")
    return made if isinstance(made, bytes) else b"".join(made)


@dataclass(frozen=True)
class Page:
    """Where a page lives and how it introduces itself to browsers and link previews."""

    path: str
    """Site-relative directory URL (``controversies/x/``) or file name (``404.html``)."""
    title: str
    description: str

    @property
    def file(self) -> str:
        return self.path + "index.html" if self.path.endswith("/") or not self.path else self.path


def _up(page_path: str) -> str:
    """``../`` once per folder the page at ``page_path`` is in."""
    base = page_path if page_path.endswith("/") or not page_path else posixpath.dirname(page_path) + "/"
    return "../" * base.count("/")


def relative_url(target: str, page_path: str) -> str:
    """URL of site path ``target`` as seen from the page at ``page_path``."""
    return _up(page_path) + target or "./"


@pass_context
def _url(context: Context, target: str) -> str:
    page: Page = context["page"]
    if context.get("absolute_urls"):
        return context["site"].config.base_url.rstrip("/") + "/" + target
    return relative_url(target, page.path)


def url_for(page: Page, base_url: str | None = None) -> Callable[[str], str]:
    """``url()`` as seen from ``page`` (absolute from ``base_url`` if given), without a context lookup per link.

    Pages get it in their context, where it stands for the global ``url`` (thousands of calls a page).
    """
    if base_url is not None:
        prefix = base_url.rstrip("/") + "/"
        return lambda target: prefix + target
    up = _up(page.path)
    return lambda target: up + target or "./"


def _with_article(word: str) -> str:
    """``A multi-axis``, ``An empirical``: a sentence-initial article chosen by the first letter."""
    return ("An " if word[:1].lower() in "aeiou" else "A ") + word


def _in_thread(title: str) -> str:
    """``the`` before a thread title unless the title brings its own (fixes "in the The …")."""
    return "" if title.lower().startswith("the ") else "the "


def _escaped(value: object) -> str:
    """What ``{{ value }}`` writes: MarkupSafe's ``escape(value)``, not wrapped in ``Markup`` (plain text).

    A template's output only ever joins the page or a macro's result (marked safe whole), so the wrapping per value
    (about a million a build) is wasted.
    """
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape_inner(str(value))


class _Generator(CodeGenerator):
    """Jinja's code, but a template's ``{{ value }}`` calls ``_escaped`` instead of ``escape`` when autoescaping."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escaped(")
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    """Jinja's context, calling a plain function, a builtin's method, a macro or ``fragment`` without asking twice,
    by attribute lookups that fail, whether it wants the context (about 230,000 calls a build); anything else as
    Jinja does."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is Macro:  # its __call__ asks for the evaluation context
            args = (__self.eval_ctx, *args)
        elif not (
            kind is BuiltinFunctionType
            or kind is Fragments  # neither it nor its __call__ asks for anything
            or (kind is FunctionType and "jinja_pass_arg" not in __obj.__dict__)
        ):
            return Context.call(__self, __obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(Environment):
    code_generator_class = _Generator
    context_class = _Context
    escaped = staticmethod(_escaped)


def environment(templates: Path, bytecode: Path | None = None) -> Environment:
    """The Jinja environment: autoescaping everything, failing on undefined names.

    ``bytecode``: a folder where compiled templates are kept for the next process.
    """
    if bytecode is not None:
        bytecode.mkdir(parents=True, exist_ok=True)
    env = _Environment(
        loader=FileSystemLoader(str(templates)),
        bytecode_cache=FileSystemBytecodeCache(str(bytecode)) if bytecode is not None else None,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        url=_url,
        confidence_levels=CONFIDENCE,
        confidence_trajectory=history.confidence_trajectory,
        status_trajectory=history.status_trajectory,
        step_chart=step_chart,
        status_levels=STATUS,
        history_url=history_url,
        github=github,
        content_security_policy=csp.META_POLICY,
        fragment=Fragments(env, remember=False),
        page_citation=cite.page_citation,
        page_json_ld=linked_data.page_json_ld,
    )
    env.filters.update(
        with_article=_with_article,
        in_thread=_in_thread,
        sections=sections,
        long_date=lambda d: PartialDate.of(d).display,
        reason_text=reason_text,
    )
    return env


@lru_cache(maxsize=4)
def compiled(templates: Path, fingerprint: str, bytecode: Path | None = None) -> Environment:
    """An environment with every template compiled, reused by the builds of one process (``serve``).

    Keyed by the templates' ``fingerprint``, so an edited template gets a new environment.
    """
    env = environment(templates, bytecode)
    env.auto_reload = False  # the fingerprint already tells an edited template
    for name in env.list_templates():
        env.get_template(name)  # compiled once, here: forked workers inherit them
    return env


class Job(NamedTuple):
    """One output file: how to make it, and what it shows (``shows.py``: for rebuilding only what an edit touched).

    A named tuple: ``serve`` lists thousands after every save, and a frozen dataclass is slower to make.
    """

    file: str
    make: Callable[[], Made]
    deps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recipe:
    """A page apart from the build it is rendered in: its template, and what it is given beyond the site.

    ``serve`` keeps a controversy's recipe while its records are the very same objects (the build's ``recall``): a
    save then lists the jobs of a thousand unchanged pages without making their context again.
    """

    template: str
    page: Page
    deps: tuple[str, ...]
    context: Mapping[str, Any]
    lazy: Mapping[str, Callable[[], Any]]
    """Context computed only if the page is rendered."""


@dataclass(frozen=True, slots=True)
class Registries:
    """What every template is given as ``site``: the configuration and the registries, not the controversies.

    A page is given the controversies it shows, or their projections (``projections.py``), in its own context.
    """

    config: SiteConfig
    threads: Mapping[str, Thread]
    sources: Mapping[str, Source]
    proponents: Mapping[str, Proponent]


@dataclass(frozen=True, slots=True)
class Build:
    """What every page of one build is rendered with."""

    site: Registries
    env: Environment
    fragments: Fragments | None = None
    """``fragment()``, keeping each piece for every page that shows it (``fragments.py``; ``serve``'s session keeps it
    from build to build); ``None``: the environment's own, which calls the macro every time."""


STREAMED = frozenset({"index.html", "feeds.html", "proponents.html", "sources.html", "timeline.html", "updates.html"})
"""Templates of the pages that grow with the whole record: made in pieces (``in_pieces``), never whole."""


def in_pieces(text: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """``text`` (a template's output as it is generated) in UTF-8 pieces of about ``size`` characters."""
    batch: list[str] = []
    length = 0
    for piece in text:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")


def page_made(recipe: Recipe, build: Build) -> Made:
    """The page ``recipe`` describes, rendered in ``build``.

    A page listing every record (``STREAMED``) is made in pieces: whole, a large record's bibliography
    would be one huge string made of a million small ones, on top of all a worker holds.
    """
    site, context = build.site, recipe.context
    url = url_for(recipe.page, site.config.base_url if context.get("absolute_urls") else None)
    computed = {name: compute() for name, compute in recipe.lazy.items()}
    values = dict(site=site, page=recipe.page, url=url, **context, **computed)
    if build.fragments is not None:
        values["fragment"] = build.fragments
    template = build.env.get_template(recipe.template)
    if recipe.template in STREAMED:
        return _named_undefined(in_pieces(template.generate(values)), recipe.template)
    try:
        return template.render(values)
    except UndefinedError as exc:
        raise _undefined_error(exc, recipe.template) from None


def _undefined_error(exc: UndefinedError, page_template: str) -> UndefinedError:
    """``exc`` saying where: the template and line that reached for a name or field its page was not given."""
    where, tb = page_template, exc.__traceback__
    while tb is not None:  # jinja runs a template's code under the template's file name and line numbers
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml")):
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return UndefinedError(
        f"{where}: template error: {exc.message} (rendering {page_template}; a page shows only what it is given:"
        " a controversy's projection lacks the fields other pages do not show, see ledger/projections.py)"
    )


def _named_undefined(pieces: Iterator[bytes], page_template: str) -> Iterator[bytes]:
    try:
        yield from pieces
    except UndefinedError as exc:
        raise _undefined_error(exc, page_template) from None
