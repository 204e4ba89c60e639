"""Simplified Chinese for every English interface string (keys are the English text)."""

from __future__ import annotations

ZH: dict[str, str] = {}
