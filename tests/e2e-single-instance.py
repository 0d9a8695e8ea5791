#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: Gloss is one application.  A second `gloss FILE` hands the
file to the running instance (a new window) and exits; naming a project
already open brings its window forward instead of opening it twice.

usage: e2e-single-instance.py GLOSS GLOSS_CLI

Runs on a private session bus (dbus-run-session) under the caller's X
display; prints TAP and skips when either is missing.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time


def tap_skip(reason):
    print(f"1..0 # SKIP {reason}")
    sys.exit(0)


def run(*args, env, timeout=30):
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env, timeout=timeout)


def windows_named(name, env):
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{name}$"],
                           capture_output=True, text=True, env=env)
    return found.stdout.split()


def wait_for_window(name, env, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        ids = windows_named(name, env)
        if ids:
            return ids
        time.sleep(0.2)
    return []


def main():
    if len(sys.argv) != 3:
        print("usage: e2e-single-instance.py GLOSS GLOSS_CLI", file=sys.stderr)
        sys.exit(1)
    gloss, cli = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])

    if not os.environ.get("DISPLAY"):
        tap_skip("no display: run under xvfb-run")
    for tool in ("xdotool", "dbus-run-session"):
        if shutil.which(tool) is None:
            tap_skip(f"{tool} is not installed")

    # Single instance needs a session bus: run again on a private one.
    if os.environ.get("GLOSS_E2E_ON_BUS") != "1":
        env = dict(os.environ, GLOSS_E2E_ON_BUS="1")
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        sys.exit(subprocess.run(["dbus-run-session", "--", sys.executable, __file__, gloss, cli],
                                env=env).returncode)

    print("1..4")
    with tempfile.TemporaryDirectory(prefix="gloss-e2e-") as tmp:
        env = dict(os.environ)
        env.update({
            "XDG_DATA_HOME": os.path.join(tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
            "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "GSETTINGS_BACKEND": "keyfile",
            "GTK_A11Y": "none",
        })
        settings = os.path.join(tmp, "config", "glib-2.0", "settings")
        os.makedirs(settings)
        with open(os.path.join(settings, "keyfile"), "w") as f:
            f.write("[org/glossapp/Gloss]\nannotator='E2E Tester'\n")

        text = os.path.join(tmp, "talk.txt")
        with open(text, "w") as f:
            f.write("Pakistan and Russia talk about energy.\n")
        projects = {}
        for name in ("first-project", "second-project"):
            projects[name] = os.path.join(tmp, name + ".gloss")
            run(cli, "new", projects[name], env=env)
            run(cli, "import-text", projects[name], text, env=env)

        primary = subprocess.Popen([gloss, projects["first-project"]], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            first = wait_for_window("first-project", env)
            if not first:
                print("not ok 1 - the first window appears")
                sys.exit(1)
            print("ok 1 - the first instance shows first-project")

            # A second instance forwards the file and exits at once.
            second = subprocess.run([gloss, projects["second-project"]], env=env,
                                    capture_output=True, text=True, timeout=30)
            opened = wait_for_window("second-project", env)
            pids = {run("xdotool", "getwindowpid", w, env=env).stdout.strip() for w in first + opened}
            if second.returncode == 0 and opened and pids == {str(primary.pid)}:
                print("ok 2 - a second `gloss FILE` opened it in the running instance and exited")
            else:
                print(f"not ok 2 - second instance: status {second.returncode}, windows {opened}, "
                      f"pids {pids}, primary {primary.pid}")
                sys.exit(1)

            # The same project again: still one window for it.
            again = subprocess.run([gloss, projects["first-project"]], env=env,
                                   capture_output=True, text=True, timeout=30)
            time.sleep(1.5)
            count = len(windows_named("first-project", env))
            if again.returncode == 0 and count == 1:
                print("ok 3 - opening it again presents its window, no twin")
            else:
                print(f"not ok 3 - status {again.returncode}, {count} windows show first-project")
                sys.exit(1)

            # Ctrl+Q in one window quits the application, every window.
            # Keys go to the focused window; a window may refuse a synthetic
            # event sent to it by id, so ask again a few times if need be.
            for attempt in range(5):
                subprocess.run(["xdotool", "windowfocus", "--sync", opened[0]], env=env,
                               capture_output=True, timeout=10)
                subprocess.run(["xdotool", "key", "ctrl+q"], env=env, capture_output=True, timeout=10)
                try:
                    primary.wait(timeout=6)
                    break
                except subprocess.TimeoutExpired:
                    continue
            primary.wait(timeout=30)
            print(f"ok 4 - quit closed both windows (exit status {primary.returncode})")
        finally:
            if primary.poll() is None:
                primary.kill()
                primary.wait()


if __name__ == "__main__":
    main()
