#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Screenshots of Gloss for the README and the AppStream metainfo, in the
light and the dark style, taken from the real application on the sample
project.

usage: xvfb-run -a -s "-screen 0 1400x900x24" e2e-screenshots.py BUILDDIR OUTDIR

Writes OUTDIR/gloss-light.png, gloss-dark.png and gloss-tagging.png.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy

WIDTH, HEIGHT = 1280, 820


def run(*args, env=None):
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env)


def grab(env):
    raw = subprocess.run(["import", "-window", "root", "-crop", f"{WIDTH}x{HEIGHT}+0+0",
                          "-depth", "8", "rgb:-"], check=True, capture_output=True, env=env).stdout
    return numpy.frombuffer(raw, dtype=numpy.uint8).reshape(HEIGHT, WIDTH, 3)


def find_color(pixels, rgb, tolerance=6):
    """The centre of the largest horizontal run of @rgb, or None."""
    match = (numpy.abs(pixels.astype(int) - numpy.array(rgb)) <= tolerance).all(axis=2)
    ys, xs = numpy.nonzero(match)
    if len(ys) == 0:
        return None
    y = int(numpy.bincount(ys).argmax())
    row = numpy.nonzero(match[y])[0]
    return int(row[len(row) // 2]), y


def tint(color, alpha, background=(255, 255, 255)):
    return [round(c * alpha + b * (1 - alpha)) for c, b in zip(color, background)]


def session(build, out, scheme, shots):
    with tempfile.TemporaryDirectory(prefix="gloss-shots-") as tmp:
        env = dict(os.environ)
        env.update({
            "XDG_DATA_HOME": os.path.join(tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "GSETTINGS_BACKEND": "keyfile",
            "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
            "GTK_A11Y": "none",
            "DBUS_SESSION_BUS_ADDRESS": "disabled:",
            "LC_ALL": "C.UTF-8",
        })
        settings = os.path.join(tmp, "config", "glib-2.0", "settings")
        os.makedirs(settings)
        with open(os.path.join(settings, "keyfile"), "w") as f:
            f.write("[org/glossapp/Gloss]\n"
                    f"annotator='Aman'\ncolor-scheme='{scheme}'\n"
                    f"window-width={WIDTH}\nwindow-height={HEIGHT}\nsidebar-width=240\n")

        # A first run: Gloss makes the sample project itself.
        app = subprocess.Popen([os.path.join(build, "ui", "gloss")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            window = run("xdotool", "search", "--sync", "--onlyvisible", "--name", "Sample interview",
                         env=env).stdout.split()[0]
            run("xdotool", "windowmove", window, "0", "0", env=env)
            time.sleep(2)

            # Down to the first answer, with its example highlights.
            run("xdotool", "mousemove", str(WIDTH // 2), str(HEIGHT // 2), env=env)
            run("xdotool", "click", "--repeat", "4", "--delay", "80", "5", env=env)
            time.sleep(1)

            # Click the first example annotation (Pakistan's green tint).
            background = (255, 255, 255) if scheme == "light" else (30, 30, 30)
            alpha = 0.22 if scheme == "light" else 0.30
            spot = find_color(grab(env), tint((0x26, 0xa2, 0x69), alpha, background), 8)
            if spot is not None:
                run("xdotool", "mousemove", str(spot[0]), str(spot[1]), env=env)
                run("xdotool", "click", "1", env=env)
                time.sleep(2.5)
                run("xdotool", "mousemove", str(WIDTH - 5), str(HEIGHT - 5), env=env)
                time.sleep(0.5)
            for name, action in shots:
                if action is not None:
                    action(env)
                run("import", "-window", "root", "-crop", f"{WIDTH}x{HEIGHT}+0+0",
                    os.path.join(out, name), env=env)
                print(f"wrote {os.path.join(out, name)}")
        finally:
            app.kill()
            app.wait()


def open_tag_popover(env):
    """Select a phrase by dragging over it, then Enter: the code chooser."""
    pixels = grab(env)
    ink = pixels.astype(int).sum(axis=2) < 3 * 140
    # A line of plain text in the upper half, so the chooser fits below.
    for y in range(120, HEIGHT // 2):
        row = numpy.nonzero(ink[y, 300:900])[0]
        if len(row) > 150:
            break
    run("xdotool", "mousemove", "420", str(y), "mousedown", "1", env=env)
    for x in range(420, 640, 20):
        run("xdotool", "mousemove", str(x), str(y), env=env)
        time.sleep(0.02)
    run("xdotool", "mouseup", "1", env=env)
    time.sleep(0.3)
    run("xdotool", "key", "Return", env=env)
    time.sleep(0.8)
    # Pick Pakistan and a stance by typing, then filter for a theme.
    for word in ("pak", "neutral"):
        run("xdotool", "type", "--delay", "60", word, env=env)
        time.sleep(0.4)
        run("xdotool", "key", "Return", env=env)
        time.sleep(0.4)
    run("xdotool", "type", "--delay", "60", "con", env=env)
    time.sleep(0.8)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    build, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(out, exist_ok=True)

    # Without a compositing manager, X draws popovers' rounded corners
    # black; xcompmgr (Debian package xcompmgr) is enough.
    compositor = None
    if shutil.which("xcompmgr"):
        compositor = subprocess.Popen(["xcompmgr"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    try:
        take_all(build, out)
    finally:
        if compositor is not None:
            compositor.kill()
            compositor.wait()


def take_all(build, out):
    session(build, out, "light", [("gloss-light.png", None), ("gloss-tagging.png", open_tag_popover)])
    session(build, out, "dark", [("gloss-dark.png", None)])


if __name__ == "__main__":
    main()
