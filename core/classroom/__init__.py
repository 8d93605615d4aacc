"""Classroom plumbing: the settings table and share links, presets, take-home export, own data, texts."""
