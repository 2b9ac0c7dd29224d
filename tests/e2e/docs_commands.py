#!/usr/bin/env python3
"""docs_commands.py MIGCHECK FILE...: every 'migcheck ...' command line
shown in the code blocks of FILE (Markdown) names a real command and only
options that its --help (or the global --help) lists. Commands that are
still stubs ('Not implemented yet') are skipped: the README lists them as
planned. Prints one line per
problem; exit 1 when there is any."""
import os
import re
import shlex
import subprocess
import sys


def help_text(binary, *args):
    r = subprocess.run([binary, *args, "--help"], capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else ""


def options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b", text))


def code_lines(path):
    fence = None
    generated = False
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        s = line.strip()
        # the commands' own --help, copied by docs/update-man.py
        if s in ("<!-- help:begin -->", "<!-- help:end -->"):
            generated = s == "<!-- help:begin -->"
            continue
        if generated:
            continue
        m = re.match(r"^(`{3,}|~{3,})", s)
        if m:
            fence = None if fence else m.group(1)
            continue
        if fence or line.startswith("    "):
            yield n, line
        else:
            # inline code spans in prose: `migcheck ...`
            for span in re.findall(r"`(migcheck [^`]*)`", line):
                yield n, span


def main():
    binary, files = sys.argv[1], sys.argv[2:]
    top = help_text(binary)
    commands = re.findall(r"^  ([a-z][a-z-]*) ", top.split("commands:", 1)[-1], re.M)
    global_opts = options(top)
    problems = 0
    for path in files:
        if not os.path.exists(path):    # an unmatched glob
            continue
        for n, line in code_lines(path):
            for m in re.finditer(r"(?:^|[\s(;|&$\"'])migcheck((?: +[^\s;|&)>\"#]+)*)", line):
                if re.search(r"\b(echo|printf)\b|#", line[:m.start()]):
                    continue    # a message that mentions migcheck
                try:
                    words = shlex.split(m.group(1), comments=True)
                except ValueError:
                    words = m.group(1).split()
                i, cmd = 0, None
                while i < len(words):
                    w = words[i]
                    if w in ("-C", "--format", "--color"):
                        i += 2
                        continue
                    if w.startswith("-"):
                        if w.split("=")[0] not in global_opts:
                            print("%s:%d: 'migcheck %s' is not a global option" % (path, n, w))
                            problems += 1
                        i += 1
                        continue
                    cmd = w
                    break
                if cmd is None:
                    continue
                if cmd.startswith(("<", "[")):
                    continue
                if cmd not in commands:
                    print("%s:%d: 'migcheck %s' is not a command" % (path, n, cmd))
                    problems += 1
                    continue
                cmd_help = help_text(binary, cmd)
                if "Not implemented yet" in cmd_help:
                    continue    # planned: README.md says so (t0090 checks)
                known = options(cmd_help) | global_opts
                for w in words[i + 1:]:
                    if w.startswith("-") and w != "-" and w.split("=")[0] not in known:
                        print("%s:%d: 'migcheck %s %s': no such option in 'migcheck %s --help'"
                              % (path, n, cmd, w, cmd))
                        problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
