"""Every word the skill speaks, rendered from jinja2 templates.

One environment for the whole process. Templates under ``templates/<lang>/`` (a
``templates/<locale>/`` folder may override one where a locale needs other sentences;
small differences such as British dates live in the macros, which know the locale)
define blocks:

- ``speech``   what Alexa says (SSML markup allowed in the template itself)
- ``reprompt`` what Alexa says if the customer stays silent; its presence keeps the
  session open
- ``card_title`` / ``card`` an optional card in the Alexa app (plain text)

Data passed in is escaped for SSML by autoescaping, and characters XML forbids are
dropped before that, so an item named "Salt & <Pepper>" stays valid SSML. That is the
one place where escaping happens.

Compiling a template costs far more than running it (the macros alone take about
50 ms), so compiled templates are kept in ``templates/__compiled__/`` (see
:class:`CompiledTemplates`): the deployment artifact carries one for every template,
and a cold start only loads them.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup

from skill.compiled import COMPILED, write_beside
from skill.config import LOCALES

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# XML 1.0 forbids these code points even when escaped: dropped by str.translate. (As a
# regular expression, a character class reaching past U+00FF costs the compiler a map of
# 65,536 entries, about 5 M instructions at every cold start.)
_XML_INVALID = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
)
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")


def _xml_safe(value: Any) -> Any:
    """jinja2 ``finalize``: clean every value printed into a template."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return str(value).translate(_XML_INVALID)


@dataclass(frozen=True)
class Speech:
    """One rendered answer: the SSML spoken, the reprompt and the card."""

    ssml: str  # inner SSML, without <speak>
    reprompt: str | None = None
    card_title: str | None = None
    card_text: str | None = None

    @property
    def text(self) -> str:
        """What the customer hears, as plain text (chat, logs of tests)."""
        return plain_text(self.ssml)


def plain_text(ssml: str) -> str:
    # ssml is our own rendered output (data already escaped), so treating it as markup
    # to strip tags and unescape entities is exactly right.
    return Markup(ssml).striptags()  # noqa: S704


def _tidy(text: str) -> str:
    """Template layout to speech: single spaces, none before punctuation."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _SPACE.sub(" ", text)).strip()


class CompiledTemplates(BytecodeCache):
    """jinja2's bytecode cache, kept in a directory that ships with the templates.

    An entry is found by the template's name alone (jinja2 would add the file's path,
    which differs between the machine that builds the package and the Lambda) and is
    used only when its checksum matches the template's source: an edited template is
    compiled afresh, never served stale. A process that compiles a template writes its
    entry where it can; on Lambda the directory is read-only and nothing is written.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return cache_key(name)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self.directory / f"{bucket.key}.cache", "rb") as file:
                bucket.load_bytecode(file)
        except FileNotFoundError:
            return
        except (OSError, EOFError, pickle.UnpicklingError):
            bucket.reset()  # unreadable or cut short: compile instead

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_beside(self.directory, f"{bucket.key}.cache", bucket.bytecode_to_string())


def cache_key(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()


class Renderer:
    """Renders ``<lang>/<name>.j2`` for a locale; build once and share."""

    def __init__(self, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(templates_dir)),
            bytecode_cache=CompiledTemplates(templates_dir / COMPILED),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            finalize=_xml_safe,
            # Line breaks in templates become spaces; _tidy() folds them afterwards.
            trim_blocks=False,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self._macros: dict[str, Any] = {}
        # (locale, name) to its template: a locale without an override of its own would
        # otherwise look for the file again at every turn (templates never change in a
        # running process: ``auto_reload`` is off).
        self._selected: dict[tuple[str, str], Template] = {}

    def candidates(self, locale: str, name: str) -> list[str]:
        language = locale.split("-")[0].lower() or "en"
        if language not in ("en", "de"):
            language = "en"
        return [f"{locale}/{name}.j2", f"{language}/{name}.j2"]

    def render(self, locale: str, name: str, /, **data: Any) -> Speech:
        template = self._select(locale, name)
        # Blocks are rendered one by one, which skips a template's own top-level imports,
        # so the language's macros come in as ``m``.
        context = template.new_context(dict(data, locale=locale, m=self.macros(locale)))
        blocks: Mapping[str, Any] = template.blocks
        parts: dict[str, str | None] = {}
        for block in ("speech", "reprompt", "card_title", "card"):
            if block in blocks:
                text = _tidy("".join(blocks[block](context)))
                parts[block] = text or None
            else:
                parts[block] = None
        if not parts["speech"]:
            raise ValueError(f"template {template.name} has no speech")
        return Speech(
            ssml=parts["speech"] or "",
            reprompt=parts["reprompt"],
            card_title=plain_text(parts["card_title"]) if parts["card_title"] else None,
            card_text=plain_text(parts["card"]) if parts["card"] else None,
        )

    def page(self, name: str, /, **data: Any) -> str:
        """A console page, ``templates/console/<name>.html.j2``, as HTML.

        The same environment as speech: autoescaping is on for every template, so a
        customer's words such as ``<script>`` are shown as text.
        """
        return self.env.get_template(f"console/{name}.html.j2").render(**data)

    def macros(self, locale: str) -> Any:
        """The ``_macros.j2`` of the locale's language, bound to the locale."""
        module = self._macros.get(locale)
        if module is None:
            template = self._select(locale, "_macros")
            module = self._macros[locale] = template.make_module({"locale": locale})
        return module

    def _select(self, locale: str, name: str) -> Template:
        template = self._selected.get((locale, name))
        if template is None:
            template = self.env.select_template(self.candidates(locale, name))
            self._selected[(locale, name)] = template
        return template

    def speech_templates(self) -> list[str]:
        # Console pages are served by the web service, never by the Lambda.
        return [
            name
            for name in self.env.list_templates(extensions=["j2"])
            if not name.startswith("console/")
        ]

    def warm(self) -> None:
        """Load every template now (Lambda init, so SnapStart's snapshot holds them)."""
        for name in self.speech_templates():
            self.env.get_template(name)
        for locale in LOCALES:
            self.macros(locale)


def compiled_templates(renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    """(path under ``templates/``, bytes): the compiled form of every speech template,
    for the deployment artifact.

    Compiled under the name relative to the package, so no path of the building
    machine ends up in the Lambda; the bytes depend only on the sources and Python's
    minor version (which jinja2 writes into each entry and checks on load).
    """
    env = renderer.env
    assert env.loader is not None and env.bytecode_cache is not None
    for name in renderer.speech_templates():
        source, _, _ = env.loader.get_source(env, name)
        bucket = Bucket(env, cache_key(name), env.bytecode_cache.get_source_checksum(source))
        bucket.code = env.compile(source, name, f"templates/{name}")
        yield f"{COMPILED}/{bucket.key}.cache", bucket.bytecode_to_string()
