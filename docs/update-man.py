#!/usr/bin/env python3
"""update-man.py MIGCHECK [--check]: regenerate, in docs/migcheck.1, each
command's synopsis and option list, and in README.md the command reference
(between '<!-- help:begin -->' and '<!-- help:end -->'), from the binary's
own help
('MIGCHECK <command> --help'), between the markers
'.\\" help:<command>:begin' and '.\\" help:<command>:end'. The prose around
the markers is written by hand. Options every command shares (--format,
--color, -q, -v, -h) are documented once, under GLOBAL OPTIONS.
A command whose help says 'Not implemented yet' gets 'Planned: not in this
build yet.' With --check, change nothing and exit 1 when the page is out of
date (tests/e2e/t0090-docs.sh runs it). Build first, then run e.g.
  python3 docs/update-man.py build/migcheck"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.path.join(ROOT, "docs", "migcheck.1")
COMMON = {"--format", "--color", "--quiet", "--verbose", "--help"}


def roff(s):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    if s[:1] in (".", "'"):
        s = "\\&" + s
    return s


def is_opt_token(t):
    return (t.startswith("-") or
            re.fullmatch(r"(<[^>]*>|\.\.\.?|\[[^\]]*\])+|[\w.-]+(\|[\w.-]+)+", t)) is not None


def parse(text):
    """-> (usage lines, description lines, [(head, desc)], trailer lines)
    An entry is an option line ('  -n, --dry-run   text') or a subcommand
    line ('  install   text'); deeper-indented lines continue an entry."""
    lines = text.rstrip("\n").split("\n")
    usage, desc, opts, trailer = [], [], [], []
    pad = " " * len("usage: ")
    i = 0
    while i < len(lines) and (lines[i].startswith("usage:") or
                              (usage and lines[i].startswith(pad) and lines[i].strip())):
        line = lines[i]
        usage.append(line[len(pad):] if line.startswith(("usage: ", pad)) else line.strip())
        i += 1
    for line in lines[i:]:
        stripped = line.strip()
        sub = re.match(r"^ {1,6}((?:[a-z][\w-]*|<[^>]*>(?:\.\.\.)?)(?: <[^>]*>)*) {2,}(\S.*)$", line)
        if opts and not trailer and re.match(r"^\s{12,}\S", line):
            opts[-1][1] = (opts[-1][1] + " " + stripped).strip()
        elif re.match(r"^\s+-", line):
            tokens = stripped.split()
            k = 0
            while k < len(tokens) and is_opt_token(tokens[k].rstrip(",")):
                k += 1
            opts.append([" ".join(tokens[:k]), " ".join(tokens[k:])])
        elif sub and not trailer:
            opts.append([sub.group(1), sub.group(2)])
        elif not opts:
            desc.append(stripped)
        elif stripped:
            trailer.append(stripped)
    return usage, desc, opts, trailer


def option_head(head):
    out = []
    for part in head.split(", "):
        words = part.split()
        s = "\\fB" + roff(words[0]) + "\\fR"
        if len(words) > 1:
            s += " \\fI" + roff(" ".join(words[1:])) + "\\fR"
        out.append(s)
    return ", ".join(out)


def block(binary, cmd):
    r = subprocess.run([binary, cmd, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("update-man.py: '%s %s --help' failed: %s" % (binary, cmd, r.stderr.strip()))
    if "Not implemented yet" in r.stdout:
        return "Planned: not in this build yet."
    usage, desc, opts, trailer = parse(r.stdout)
    out = [".nf"] + [roff(u) for u in usage] + [".fi"]
    if any(desc):
        out += [".PP", roff(" ".join(d for d in desc if d))]
    mine = [(h, d) for h, d in opts
            if not (set(re.findall(r"--[a-z-]+", h)) & COMMON)]
    for head, d in mine:
        out += [".TP", option_head(head), roff(d)]
    if trailer:
        out += [".PP", roff(" ".join(trailer))]
    return "\n".join(out)


def commands(binary):
    r = subprocess.run([binary, "--help"], capture_output=True, text=True, check=True)
    part = r.stdout.split("commands:", 1)[1]
    return re.findall(r"^  ([a-z][a-z-]*) ", part, re.M)


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if len(args) != 1:
        sys.exit("usage: docs/update-man.py <migcheck binary> [--check]")
    binary = args[0]
    text = open(PAGE, encoding="utf-8").read()
    new = text
    for cmd in commands(binary):
        if cmd in ("help", "version"):
            continue
        begin = '.\\" help:%s:begin' % cmd
        end = '.\\" help:%s:end' % cmd
        i, j = new.find(begin), new.find(end)
        if i < 0 or j < i:
            print("docs/migcheck.1: no '%s' ... '%s' markers in the section of 'migcheck %s'"
                  % (begin, end, cmd), file=sys.stderr)
            return 1
        i += len(begin)
        new = new[:i] + "\n" + block(binary, cmd) + "\n" + new[j:]
    readme_path = os.path.join(ROOT, "README.md")
    readme = open(readme_path, encoding="utf-8").read()
    begin, end = "<!-- help:begin -->", "<!-- help:end -->"
    i, j = readme.find(begin), readme.find(end)
    if i < 0 or j < i:
        print("README.md: no '%s' ... '%s' markers" % (begin, end), file=sys.stderr)
        return 1
    new_readme = readme[:i + len(begin)] + "\n" + readme_block(binary) + readme[j:]
    if new == text and new_readme == readme:
        return 0
    if check:
        print("docs/migcheck.1 or README.md is out of date with the commands' --help: "
              "build, then run 'python3 docs/update-man.py build/migcheck'", file=sys.stderr)
        return 1
    open(PAGE, "w", encoding="utf-8").write(new)
    open(readme_path, "w", encoding="utf-8").write(new_readme)
    return 0


def readme_block(binary):
    """Each command's --help, without the options every command shares."""
    out = []
    for cmd in commands(binary):
        if cmd in ("help", "version"):
            continue
        r = subprocess.run([binary, cmd, "--help"], capture_output=True, text=True)
        out.append("### migcheck %s\n" % cmd)
        if "Not implemented yet" in r.stdout:
            out.append("Planned: not in this build yet.\n")
            continue
        keep = [line for line in r.stdout.rstrip("\n").split("\n")
                if not (re.match(r"^\s+-", line) and set(re.findall(r"--[a-z-]+", line)) & COMMON)]
        out.append("```\n" + "\n".join(keep) + "\n```\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
