#!/usr/bin/env python3
"""recipe_steps.py RECIPE.md STEP: print the shell that a CI recipe's step
runs, so that tests run the recipe's own commands.

STEP is a GitHub Actions step name ('- name: STEP' with 'run: cmd' or
'run: |' and an indented block) or a GitLab job key ('script',
'before_script': its '- cmd' items, one per line). The YAML is taken from
the first ```yaml block. Exit 1 when the step is not found."""
import re
import sys


def yaml_block(path):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"```yaml\n(.*?)```", text, re.S)
    if not m:
        sys.exit(f"{path}: no yaml block")
    return m.group(1).splitlines()


def github_step(lines, name):
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)- name: (.*)$", line)
        if not m or m.group(2).strip() != name:
            continue
        indent = len(m.group(1)) + 2
        for j in range(i + 1, len(lines)):
            l = lines[j]
            if l.strip() and len(l) - len(l.lstrip()) < indent:
                break
            r = re.match(r"^\s*run: (.*)$", l)
            if not r:
                continue
            if r.group(1).strip() != "|":
                return [r.group(1)]
            body, k = [], j + 1
            block = None
            while k < len(lines):
                l2 = lines[k]
                if l2.strip():
                    ind = len(l2) - len(l2.lstrip())
                    if block is None:
                        block = ind
                    if ind < block:
                        break
                body.append(l2[block:] if block is not None else l2)
                k += 1
            return body
    return None


def gitlab_key(lines, key):
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)" + re.escape(key) + r":\s*$", line)
        if not m:
            continue
        out = []
        for l in lines[i + 1:]:
            s = l.strip()
            if s.startswith("#") or not s:
                continue
            if not s.startswith("- "):
                break
            out.append(s[2:])
        return out
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = yaml_block(sys.argv[1])
    body = github_step(lines, sys.argv[2])
    if body is None:
        body = gitlab_key(lines, sys.argv[2])
    if body is None:
        print(f"{sys.argv[1]}: no step '{sys.argv[2]}'", file=sys.stderr)
        sys.exit(1)
    print("\n".join(body))


main()
