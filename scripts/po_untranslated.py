#!/usr/bin/env python3
"""Keep a .po catalogue honest.

    scripts/po_untranslated.py FILE.po            list the msgids without a translation
    scripts/po_untranslated.py FILE.po FILL.tsv   fill them from `msgid<TAB>translation` lines

Both drop msgmerge's "fuzzy" guesses first (they are usually wrong), so that those entries
show as untranslated instead of silently carrying another message's text.
"""

import re
import sys

ENTRY = re.compile(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', re.M)


def _unquote(s):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s))


def _unfuzzy(block):
    if "#, fuzzy" not in block or block.lstrip().startswith('msgid ""'):
        return block
    lines = []
    for ln in block.split("\n"):
        if ln.startswith("#|"):
            continue
        if ln.startswith("#,"):
            flags = [f.strip() for f in ln[2:].split(",") if f.strip() != "fuzzy"]
            if not flags:
                continue
            ln = "#, " + ", ".join(flags)
        lines.append(ln)
    block = "\n".join(lines) + "\n"
    m = ENTRY.search(block)
    if m:
        block = block[: m.start(2)] + '""\n' + block[m.end(2) :]
    return block.rstrip("\n")


def main(path, fill=None):
    text = open(path, encoding="utf-8").read()
    table = {}
    if fill:
        for line in open(fill, encoding="utf-8"):
            if "\t" in line:
                key, value = line.rstrip("\n").split("\t", 1)
                table[key] = value
    out, missing = [], []
    for block in text.split("\n\n"):
        block = _unfuzzy(block)
        m = ENTRY.search(block + "\n")
        if m and "msgid_plural" not in block:
            msgid, msgstr = _unquote(m.group(1)), _unquote(m.group(2))
            if msgid and not msgstr:
                if msgid in table:
                    value = table[msgid].replace('"', '\\"')
                    block = (block + "\n")[: m.start(2)] + f'"{value}"\n' + (block + "\n")[m.end(2) :]
                    block = block.rstrip("\n")
                else:
                    missing.append(msgid)
        out.append(block)
    new = "\n\n".join(out)
    if new != text:
        open(path, "w", encoding="utf-8").write(new)
    for msgid in missing:
        print(msgid)


if __name__ == "__main__":
    main(*sys.argv[1:])
