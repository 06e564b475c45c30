"""Builds the language server with every feature registered, and runs it on stdio."""

from __future__ import annotations

import gc
import logging
import sys
from types import ModuleType

from pavedroad.lsp import handlers
from pavedroad.lsp.server import PavedroadServer


def create_server() -> PavedroadServer:
    server = PavedroadServer()
    handlers.register(server)
    for module in _feature_modules():
        module.register(server)
    return server


def _feature_modules() -> list[ModuleType]:
    """Optional features (decision log, AI provenance, prompt hygiene, AI tool coverage,
    dependencies, the team's vocabulary) register themselves when present."""
    modules = []
    for name in ("pavedroad.lsp.audit", "pavedroad.lsp.ai", "pavedroad.lsp.prompts",
                 "pavedroad.lsp.tools", "pavedroad.lsp.deps", "pavedroad.lsp.vocabulary"):
        try:
            modules.append(__import__(name, fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules


def run_stdio(log_level: str = "WARNING") -> None:
    logging.basicConfig(stream=sys.stderr, level=log_level, format="pavedroad %(levelname)s %(name)s: %(message)s")
    # pygls logs every message body at INFO, which would copy document text (and any secret in it)
    # into logs: keep it at WARNING whatever our own level is.
    logging.getLogger("pygls").setLevel(logging.WARNING)
    # Every superseded pull request cancelled by the client logs this at WARNING: not news.
    # (A filter on the handler, since logger filters do not apply to child loggers' records.)
    for handler in logging.getLogger().handlers:
        handler.addFilter(
            lambda record: not record.getMessage().startswith("Cancel notification for unknown message id")
        )
    server = create_server()
    # Everything imported so far lives as long as the process: move it out of the collector's
    # way, so GC pauses on the keystroke path only walk objects made while serving.
    gc.freeze()
    server.start_io()
