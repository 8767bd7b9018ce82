#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Complement scripts/kernel-doc, which checks only the comments that exist:
report every non-static function definition and every struct definition that
has no kernel-doc comment, and every .c file without a DOC: overview."""
import re
import sys

FUNC = re.compile(r'^(?!static\b)(?:[a-z_][\w \*]*?[\s\*])(\w+)\(')
STRUCT = re.compile(r'^struct (\w+) \{')


def doc_names(lines, i):
    """Names documented by the kernel-doc comment that ends right above line i."""
    j = i - 1
    while j >= 0 and (lines[j].startswith('EXPORT_') or lines[j].strip() == ''):
        j -= 1
    if j < 0 or lines[j].strip() != '*/':
        return None
    while j >= 0 and not lines[j].startswith('/**'):
        j -= 1
    if j < 0:
        return None
    m = re.match(r'/\*\*\s*$', lines[j]) and j + 1 < len(lines) and \
        re.match(r'\s\*\s+(?:struct\s+)?(\w+)(?:\(\))?\s+-', lines[j + 1])
    return m.group(1) if m else ''


def check(path):
    errors = []
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    if path.endswith('.c') and not any(' * DOC:' in line for line in lines):
        errors.append(f'{path}: no DOC: overview')
    for i, line in enumerate(lines):
        m = STRUCT.match(line) if not line.startswith('struct') or '{' in line else None
        kind = 'struct'
        if not m and path.endswith('.c'):
            m = FUNC.match(line) if not line.rstrip().endswith(';') else None
            kind = 'function'
        if not m:
            continue
        name = m.group(1)
        if name in ('if', 'for', 'while', 'switch', 'return', 'sizeof'):
            continue
        if doc_names(lines, i) != name:
            errors.append(f'{path}:{i + 1}: {kind} {name} has no kernel-doc comment')
    return errors


def main():
    errors = []
    for path in sys.argv[1:]:
        errors += check(path)
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
