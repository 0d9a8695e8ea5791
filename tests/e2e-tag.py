#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: tag a span in the real application with the real mouse
and keyboard (xdotool under Xvfb), quit, and read the file back with
gloss-cli.

usage: e2e-tag.py GLOSS GLOSS_CLI

Finds the words on screen from a screenshot (ImageMagick's import), so it
does not depend on fonts or window geometry.  Prints TAP; skips when
there is no display or no xdotool/import.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy

TEXT = ("Antidisestablishmentarianism Pakistan and Russia talk about energy.\n"
        "\n"
        "A second paragraph follows here.\n")
TITLE = "e2e-project"


def tap_skip(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def screenshot(path, env):
    run("import", "-window", "root", path, env=env)
    info = run("identify", "-format", "%w %h", path, env=env).stdout.split()
    width, height = int(info[0]), int(info[1])
    raw = subprocess.run(["convert", path, "-depth", "8", "rgb:-"], check=True,
                         capture_output=True, env=env).stdout
    return numpy.frombuffer(raw, dtype=numpy.uint8).reshape(height, width, 3)


def first_text_line(pixels, top, right, bottom, n_words):
    """The rows and the column ranges of the @n_words words of the first
    line of text below @top, inside the window (left of @right, above
    @bottom).  Words are told apart by the widest gaps between inked
    columns, whatever the font."""
    pixels = pixels[:bottom, :right]
    ink = pixels.astype(int).sum(axis=2) < 3 * 200
    rows = numpy.where(ink[top:].sum(axis=1) >= 2)[0] + top
    if len(rows) == 0:
        return None
    y0 = rows[0]
    y1 = y0
    while y1 + 1 < ink.shape[0] and ink[y1 + 1].sum() >= 1:
        y1 += 1
    columns = numpy.where(ink[y0:y1 + 1].any(axis=0))[0]
    # Runs of inked columns; the text cursor is a thin run of its own.
    runs = []
    start = prev = columns[0]
    for x in columns[1:]:
        if x - prev > 1:
            runs.append((start, prev))
            start = x
        prev = x
    runs.append((start, prev))
    if len(runs) > 1 and runs[0][1] - runs[0][0] <= 2:
        runs = runs[1:]
    if len(runs) < n_words:
        return None
    gaps = sorted(range(1, len(runs)), key=lambda i: runs[i][0] - runs[i - 1][1], reverse=True)
    cuts = sorted(gaps[:n_words - 1])
    words = []
    first = 0
    for cut in cuts + [len(runs)]:
        words.append((runs[first][0], runs[cut - 1][1]))
        first = cut
    return y0, y1, words


def main():
    if len(sys.argv) != 3:
        print("usage: e2e-tag.py GLOSS GLOSS_CLI", file=sys.stderr)
        sys.exit(1)
    gloss, cli = sys.argv[1], sys.argv[2]

    if not os.environ.get("DISPLAY"):
        tap_skip("no display: run under xvfb-run")
    for tool in ("xdotool", "import", "convert", "identify"):
        if shutil.which(tool) is None:
            tap_skip(f"{tool} is not installed")

    print("1..4")
    with tempfile.TemporaryDirectory(prefix="gloss-e2e-") as tmp:
        env = dict(os.environ)
        env.update({
            "XDG_DATA_HOME": os.path.join(tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "GSETTINGS_BACKEND": "keyfile",
            "GTK_A11Y": "none",
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
        })
        settings = os.path.join(tmp, "config", "glib-2.0", "settings")
        os.makedirs(settings)
        with open(os.path.join(settings, "keyfile"), "w") as f:
            f.write("[org/glossapp/Gloss]\nannotator='E2E Tester'\n"
                    "window-width=1000\nwindow-height=700\n")

        project = os.path.join(tmp, TITLE + ".gloss")
        text = os.path.join(tmp, "talk.txt")
        with open(text, "w") as f:
            f.write(TEXT)
        run(cli, "new", project, "--annotator", "E2E Tester", env=env)
        run(cli, "import-text", project, text, env=env)

        app = subprocess.Popen([gloss, project], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            window = run("xdotool", "search", "--sync", "--onlyvisible", "--name", TITLE,
                         env=env).stdout.split()[0]
            run("xdotool", "windowmove", window, "0", "0", env=env)
            time.sleep(1.5)
            geometry = run("xdotool", "getwindowgeometry", "--shell", window, env=env).stdout
            size = dict(line.split("=") for line in geometry.split())
            right = int(size["X"]) + int(size["WIDTH"]) - 40
            bottom = int(size["Y"]) + int(size["HEIGHT"]) - 40
            print(f"ok 1 - the window shows {TITLE}")

            # Hide the documents sidebar (F9): only the text is left below
            # the header bar.
            run("xdotool", "mousemove", "600", "400", env=env)
            run("xdotool", "key", "F9", env=env)
            time.sleep(1.0)
            shot = os.path.join(tmp, "shot.png")
            pixels = screenshot(shot, env)
            # The text area is the first run of pure white (the view's
            # background) down the middle of the window.
            middle = right // 2
            white = numpy.where((pixels[:bottom, middle] == 255).all(axis=1))[0]
            n_words = len(TEXT.split("\n")[0].split())
            line = first_text_line(pixels, int(white[0]) + 4, right, bottom, n_words) if len(white) else None
            if line is None:
                print(f"not ok 2 - found the first line of text: {line}")
                raise SystemExit(1)
            y0, y1, words = line
            if os.environ.get("GLOSS_E2E_KEEP"):
                shutil.copy(shot, os.environ["GLOSS_E2E_KEEP"])
                print("# words: " + " ".join(f"{a}-{b}" for a, b in words))
            print(f"ok 2 - first line at y {y0}–{y1}, {len(words)} words")

            # Drag from inside "Pakistan" to inside "Russia": snapping
            # widens it to whole words.
            y = (y0 + y1) // 2
            x_from = (words[1][0] + words[1][1]) // 2
            x_to = (words[3][0] + words[3][1]) // 2
            run("xdotool", "mousemove", str(x_from), str(y), env=env)
            run("xdotool", "mousedown", "1", env=env)
            for step in range(1, 11):
                run("xdotool", "mousemove", str(x_from + (x_to - x_from) * step // 10), str(y), env=env)
                time.sleep(0.03)
            run("xdotool", "mouseup", "1", env=env)
            time.sleep(0.5)
            run("xdotool", "key", "r", env=env)   # the shortcut of Actors/Russia
            time.sleep(1.0)
            run("xdotool", "key", "ctrl+q", env=env)
            try:
                app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                # Say what the screen shows, then ask once more.
                kept = os.path.join(os.getcwd(), "e2e-tag-stuck.png")
                run("import", "-window", "root", kept, env=env)
                print(f"# gloss did not quit after Ctrl+Q; the screen is in {kept}")
                run("xdotool", "mousemove", str(x_to), str(y), "key", "ctrl+q", env=env)
                app.wait(timeout=20)
            print(f"ok 3 - tagged and quit (exit status {app.returncode})")
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()

        result = json.loads(run(cli, "annotations", project, "--json", env=env).stdout)
        annotations = result["annotations"]
        start = TEXT.index("Pakistan")
        end = TEXT.index("Russia") + len("Russia")
        expected = {"start": start, "end": end, "quote": TEXT[start:end],
                    "codes": ["Actors/Russia"], "annotator": "E2E Tester"}
        got = [{k: a[k] for k in expected} for a in annotations]
        if got == [expected]:
            print(f"ok 4 - gloss-cli reads back {expected}")
        else:
            print(f"not ok 4 - expected [{expected}], gloss-cli says {got}")
            print("# " + (app.stdout.read() if app.stdout else "").replace("\n", "\n# "))
            sys.exit(1)


if __name__ == "__main__":
    main()
