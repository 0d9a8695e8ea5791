#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The main flow through AT-SPI, as a screen reader user or a switch
device would drive it: find the text, select a passage, tag it, undo,
and quit, checking the project file with gloss-cli after every step.
Also checks that every button has a name (in the window, and in the
codebook, preferences and document properties the keyboard opens), that
the main controls are reached by Tab, that the codes of the highlight
under the cursor are the text's accessible description, and that the
window comes up in German (LANGUAGE=de, GLOSS_LOCALEDIR).

usage: test-main-flow.py GLOSS GLOSS_CLI LOCALEDIR

Run it through run.sh, which starts a private session bus with
dbus-run-session and switches toolkit-accessibility on.  Prints TAP.

Two GTK 4.8 limits shape the selection steps.  Its AT-SPI Text
interface refuses SetSelection on a text view (it answers FALSE, or
empties the selection), and AddSelection does select but then sends a
reply of the wrong type, so the caller only sees a timeout.  The first
tagging round therefore selects with AddSelection and checks the result
with GetSelection; the second one places the caret with SetCaretOffset
and extends the selection with Shift+Right key events, as a keyboard
user would.
"""

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback

TITLE = "a11y-flow"
TEXT = ("Pakistan and Russia talk about energy and trade.\n"
        "\n"
        "The second paragraph speaks of China and India.\n")
RUSSIA = TEXT.index("Russia")
ENERGY = TEXT.index("energy")
CHINA = TEXT.index("China")

# D-Bus calls wait this long for an answer: other builds and tests may
# share the machine.
CALL_TIMEOUT_MS = 10000

# Names that GTK 4.8 makes up from a widget's type when it has no label.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Gloss)[A-Z][A-Za-z]*$")

# What GTK 4.8 itself prints when driven through AT-SPI; anything else
# Gloss writes as a warning or critical fails the test.
KNOWN_GTK_WARNINGS = (
    "Screen coordinates not supported",
    "Type of return value is incorrect",
)

with contextlib.redirect_stdout(sys.stderr):
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, GLib
    import pyatspi
    from dogtail import config
    from dogtail import logging as dogtail_logging
    # dogtail opens a log file in /tmp as it loads; keep none.
    with contextlib.suppress(OSError, AttributeError):
        os.unlink(dogtail_logging.debugLogger.fileName)
    config.logDebugToStdOut = False
    config.logDebugToFile = False
    config.searchCutoffCount = 10
    config.actionDelay = 0.3
    config.typingDelay = 0.05
    config.defaultDelay = 0.3
    from dogtail import rawinput, tree


class Tap:
    """TAP on the real standard output (run.sh passes it as descriptor
    GLOSS_TAP_FD, as the bus daemons it starts write to theirs).  dogtail
    prints its own messages to stdout, so from here on descriptor 1 is
    standard error and only this stream reaches the test harness."""

    def __init__(self):
        sys.stdout.flush()
        fd = int(os.environ.get("GLOSS_TAP_FD", "1"))
        self.out = os.fdopen(os.dup(fd), "w", buffering=1)
        if fd != 1:
            os.close(fd)
        os.dup2(2, 1)
        self.n = 0
        self.failed = 0

    def print(self, line):
        self.out.write(line + "\n")
        self.out.flush()

    def check(self, ok, what, detail=None):
        self.n += 1
        self.print(f"{'ok' if ok else 'not ok'} {self.n} - {what}")
        if not ok:
            self.failed += 1
            if detail is not None:
                for line in str(detail).splitlines():
                    self.print(f"#   {line}")
        return ok

    def note(self, text):
        self.print(f"# {text}")

    def plan(self):
        self.print(f"1..{self.n}")


def wait_for(predicate, timeout=10.0, step=0.2):
    """Polls @predicate until it returns something true; returns its last
    value (None on an exception)."""
    deadline = time.monotonic() + timeout
    value = None
    while True:
        try:
            value = predicate()
        except (GLib.Error, RuntimeError, LookupError):
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


class Cli:
    def __init__(self, path, project, env):
        self.path = path
        self.project = project
        self.env = env

    def run(self, *args):
        return subprocess.run([self.path, *args], check=True, capture_output=True,
                              text=True, env=self.env).stdout

    def annotations(self):
        data = json.loads(self.run("annotations", self.project, "--json"))
        return sorted(data["annotations"], key=lambda a: (a["start"], a["end"]))

    def spans(self):
        return [(a["start"], a["end"], a["quote"], sorted(a["codes"])) for a in self.annotations()]


class Gloss:
    """One running Gloss on @project, found on the accessibility bus by
    its process id."""

    def __init__(self, gloss, project, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([gloss, project], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.app = wait_for(self._find_app, timeout=30)
        if self.app is None:
            self.kill()
            raise RuntimeError("Gloss did not appear on the accessibility bus:\n" + self.output())
        self.frame = wait_for(lambda: self.app.child(roleName="frame", retry=False), timeout=15)

    def _find_app(self):
        for app in tree.root.applications():
            try:
                if app.get_process_id() == self.proc.pid:
                    return app
            except GLib.Error:
                continue
        return None

    def quit(self, timeout=15):
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.log.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def output(self):
        with open(self.log_path) as f:
            return f.read()


def walk(node, visible_only=False):
    """Every accessible under @node, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        try:
            if visible_only and current is not node \
                    and not current.getState().contains(pyatspi.STATE_VISIBLE):
                continue
            children = list(current.children)
        except GLib.Error:
            continue
        stack.extend(reversed(children))


def focused(frame):
    for node in walk(frame, visible_only=True):
        try:
            if node.getState().contains(pyatspi.STATE_FOCUSED):
                return node
        except GLib.Error:
            continue
    return None


BUTTON_ROLES = ("push button", "toggle button", "menu button")


def unnamed_buttons(frame):
    """How many buttons are in @frame, and those without a name of their
    own: empty, or GTK's type-name fallback.  GtkDropDown's inner toggle
    is left out: the combo box around it carries the name."""
    unnamed = []
    n_buttons = 0
    for node in walk(frame):
        try:
            if node.roleName not in BUTTON_ROLES:
                continue
            n_buttons += 1
            name = node.name.strip()
            if name and not TYPE_NAME.match(name):
                continue
            parent = node.parent
            if parent is not None and parent.roleName == "combo box" and parent.name.strip():
                continue
            unnamed.append(f"{describe(node)} tooltip={node.description!r} in {describe(parent)}")
        except GLib.Error:
            continue
    return n_buttons, unnamed


def is_on(node):
    states = node.getState()
    return states.contains(pyatspi.STATE_CHECKED) or states.contains(pyatspi.STATE_PRESSED)


def describe(node):
    if node is None:
        return "nothing"
    return f"[{node.roleName}] {node.name!r}"


def point_into(node):
    """Moves the pointer over @node.  Without a window manager X may
    hand the keyboard back to the root window (when a popover closes, for
    one), and then it goes to the window under the pointer.  GTK 4.8
    reports window coordinates; the window sits at the screen's origin."""
    x, y, width, height = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    rawinput.absoluteMotion(x + width // 2, y + height - 10)
    time.sleep(0.3)


def press(combo, times=1):
    for _ in range(times):
        rawinput.keyCombo(combo)
    time.sleep(0.5)


def selection_of(text_iface):
    try:
        return [tuple(text_iface.getSelection(i)) for i in range(text_iface.getNSelections())]
    except GLib.Error as error:
        return str(error)


def select_with_add_selection(text_iface, start, end):
    """GTK 4.8 selects, then answers with the wrong reply type: the call
    times out on our side, so wait only briefly and read back what it
    did.  A loaded machine may drop the call: try again then."""
    for _ in range(3):
        Atspi.set_timeout(3000, 30000)
        try:
            text_iface.addSelection(start, end)
        except GLib.Error:
            pass
        finally:
            Atspi.set_timeout(CALL_TIMEOUT_MS, 30000)
        if wait_for(lambda: selection_of(text_iface) == [(start, end)], timeout=5):
            return True
    return False


def select_with_keys(text_iface, start, length):
    """The caret to @start through AT-SPI, then Shift held down while
    Right is pressed @length times, as a keyboard user selects."""
    for _ in range(3):
        text_iface.setCaretOffset(start)
        if not wait_for(lambda: text_iface.caretOffset == start and selection_of(text_iface) == [],
                        timeout=5):
            continue
        rawinput.holdKey("Shift_L")
        try:
            for _ in range(length):
                rawinput.pressKey("Right")
        finally:
            rawinput.releaseKey("Shift_L")
        if wait_for(lambda: selection_of(text_iface) == [(start, start + length)], timeout=5):
            return True
    return False


def node_key(node):
    try:
        return (node.roleName, node.name, getattr(node, "path", None))
    except GLib.Error:
        return None


def next_focus(frame, previous):
    """Waits for the focus to leave @previous; returns the new holder."""
    key = node_key(previous) if previous is not None else None
    return wait_for(lambda: (lambda n: n if n is not None and node_key(n) != key else None)(focused(frame)),
                    timeout=5)


def main():
    if len(sys.argv) != 4:
        print("usage: test-main-flow.py GLOSS GLOSS_CLI LOCALEDIR", file=sys.stderr)
        return 1
    gloss_path, cli_path, localedir = sys.argv[1:]
    tap = Tap()
    Atspi.set_timeout(CALL_TIMEOUT_MS, 30000)

    with tempfile.TemporaryDirectory(prefix="gloss-a11y-flow-") as tmp:
        env = dict(os.environ)
        env["LC_ALL"] = "C.UTF-8"
        env.pop("LANGUAGE", None)
        project = os.path.join(tmp, TITLE + ".gloss")
        text_file = os.path.join(tmp, "talk.txt")
        with open(text_file, "w") as f:
            f.write(TEXT)

        cli = Cli(cli_path, project, env)
        cli.run("new", project, "--annotator", "A11y Tester")
        document = cli.run("import-text", project, text_file, "--title", "Talk").split()[0]
        cli.run("annotate", project, "--document", document,
                "--start", str(RUSSIA), "--end", str(RUSSIA + len("Russia")),
                "--code", "Actors/Russia", "--code", "Stance/cooperative")
        before = cli.spans()

        try:
            app = Gloss(gloss_path, project, env, os.path.join(tmp, "gloss.log"))
        except RuntimeError as error:
            tap.check(False, "Gloss starts and appears on the accessibility bus", error)
            tap.plan()
            return 1
        try:
            run_english(tap, app, cli, before)
        except Exception:
            tap.check(False, "the session in English ran to its end", traceback.format_exc())
        finally:
            app.kill()
        log = app.output()
        bad = [line for line in log.splitlines()
               if re.search(r"-(CRITICAL|WARNING) \*\*", line)
               and not any(known in line for known in KNOWN_GTK_WARNINGS)]
        tap.check(not bad, "Gloss printed no warnings or criticals of its own", "\n".join(bad))

        tap.check(json.loads(cli.run("check", project, "--json"))["ok"],
                  "gloss-cli check passes on the file after the session")

        german = dict(env)
        german.update({"LANGUAGE": "de", "LC_ALL": "C.UTF-8", "GLOSS_LOCALEDIR": localedir})
        try:
            app = Gloss(gloss_path, project, german, os.path.join(tmp, "gloss-de.log"))
        except RuntimeError as error:
            tap.check(False, "Gloss starts in German", error)
            tap.plan()
            return 1
        try:
            run_german(tap, app)
        except Exception:
            tap.check(False, "the session in German ran to its end", traceback.format_exc())
        finally:
            app.kill()

    tap.plan()
    return 1 if tap.failed else 0


def run_english(tap, app, cli, before):
    frame = app.frame
    tap.check(frame is not None and frame.name.startswith(TITLE),
              "the window is on the accessibility bus with the project's title",
              describe(frame))
    if frame is None:
        return

    view = wait_for(lambda: frame.child(name="Document text", roleName="text", retry=False))
    loaded = wait_for(lambda: view is not None and view.text == TEXT, timeout=15)
    tap.check(loaded, "the text view is named and holds the document's text",
              describe(view))
    if not loaded:
        return
    text = view.queryText()

    n_buttons, unnamed = unnamed_buttons(frame)
    tap.check(n_buttons >= 8 and not unnamed,
              f"every button in the window has an accessible name ({n_buttons})",
              "\n".join(unnamed))

    # The codes under the caret are the text's accessible description.
    text.setCaretOffset(RUSSIA + 2)
    description = wait_for(lambda: view.description == "Codes: Russia, cooperative" and view.description,
                           timeout=5) or view.description
    tap.check(description == "Codes: Russia, cooperative",
              "the caret inside a highlight exposes its codes as the description",
              repr(description))
    text.setCaretOffset(len(TEXT) - 3)
    cleared = wait_for(lambda: view.description == "" or None, timeout=5)
    tap.check(cleared, "the description is empty where there is no highlight", repr(view.description))

    point_into(view)

    # Round 1: select through AT-SPI, tag with the code's key, undo.
    pakistan = (0, len("Pakistan"))
    selected = select_with_add_selection(text, *pakistan)
    tap.check(selected, "AddSelection selects “Pakistan” in the text view", selection_of(text))
    rawinput.pressKey("p")
    expected = sorted(before + [(0, 8, "Pakistan", ["Actors/Pakistan"])])
    spans = wait_for(lambda: cli.spans() == expected and cli.spans())
    tap.check(spans, "pressing p tags the selection Actors/Pakistan in the file", cli.spans())

    press("<Control>z")
    spans = wait_for(lambda: cli.spans() == before and cli.spans())
    tap.check(spans, "Ctrl+Z removes the annotation from the file", cli.spans())

    # Round 2: caret and Shift+Right, the tag popover by keyboard, undo.
    selection = select_with_keys(text, ENERGY, len("energy"))
    tap.check(selection, "Shift+Right ×6 after SetCaretOffset selects “energy”", selection_of(text))

    rawinput.pressKey("Return")
    popover_entry = wait_for(lambda: (lambda n: n if n is not None and n.roleName in ("entry", "text")
                                      and n.name != "Document text" else None)(focused(frame)),
                             timeout=5)
    tap.check(popover_entry is not None, "Enter opens the tag popover with its search entry focused",
              describe(focused(frame)))
    for word in ("energy", "pragmatic"):
        rawinput.typeText(word)
        wait_for(lambda: popover_entry.text == word, timeout=5)
        rawinput.pressKey("Return")
        wait_for(lambda: popover_entry.text == "", timeout=5)
    energy_box = None
    for node in walk(frame):
        try:
            if node.roleName in ("check box", "radio button", "list item") \
                    and node.name == "Themes/Energy":
                energy_box = node
                break
        except GLib.Error:
            continue
    checked = energy_box is not None and (
        energy_box.getState().contains(pyatspi.STATE_CHECKED)
        or any(c.getState().contains(pyatspi.STATE_CHECKED) for c in walk(energy_box)))
    tap.check(checked, "the popover shows Themes/Energy as checked", describe(energy_box))
    rawinput.pressKey("Return")
    expected = sorted(before + [(ENERGY, ENERGY + 6, "energy", ["Stance/pragmatic", "Themes/Energy"])])
    spans = wait_for(lambda: cli.spans() == expected and cli.spans())
    tap.check(spans, "the popover tags “energy” Themes/Energy and Stance/pragmatic", cli.spans())

    text.setCaretOffset(ENERGY + 2)
    description = wait_for(lambda: view.description == "Codes: Energy, pragmatic" and view.description,
                           timeout=5) or view.description
    tap.check(description == "Codes: Energy, pragmatic",
              "the new highlight's codes are in the description", repr(description))

    press("<Control>z")
    spans = wait_for(lambda: cli.spans() == before and cli.spans())
    tap.check(spans, "Ctrl+Z removes the popover's annotation", cli.spans())
    cleared = wait_for(lambda: view.description == "" or None, timeout=5)
    tap.check(cleared, "after undo the description no longer lists its codes", repr(view.description))

    # Every main control is reached by Tab, with a passage selected so
    # that Tag… is enabled; Space on the sidebar toggle shows the
    # documents, which the next Tabs reach; the round ends on the text.
    select_with_add_selection(text, CHINA, CHINA + len("China"))
    start = wait_for(lambda: (lambda n: n if n is not None and n.name == "Document text" else None)(focused(frame)),
                     timeout=5)
    tap.check(start is not None, "the text view has the focus", describe(focused(frame)))
    reached = []
    history = []
    toggled = None
    node = start
    for _ in range(60):
        rawinput.pressKey("Tab")
        node = next_focus(frame, node)
        reached.append(describe(node))
        if node is None:
            break
        history.append((node.roleName, node.name))
        if toggled is None and node.name == "Documents" and node.roleName in BUTTON_ROLES:
            if not is_on(node):
                rawinput.pressKey("space")
                reached.append("(Space)")
            toggled = wait_for(lambda: is_on(node), timeout=5)
        if node.name == "Document text" and node.roleName == "text":
            break
    tap.check(toggled, "Space on the focused Documents toggle shows the documents sidebar",
              " → ".join(reached))
    wanted = {
        "the sidebar toggle": lambda r, n: r in BUTTON_ROLES and n == "Documents",
        "the documents list": lambda r, n: r in ("list", "list item") and n.startswith(("Documents", "Talk")),
        "the Tag button": lambda r, n: r in BUTTON_ROLES and "Tag…" in n,
        "the inspector toggle": lambda r, n: r in BUTTON_ROLES and n == "Annotation Details",
        "the main menu": lambda r, n: r in BUTTON_ROLES and n == "Main Menu",
        "the text": lambda r, n: r == "text" and n == "Document text",
    }
    missing = [what for what, match in wanted.items()
               if not any(match(role, name) for role, name in history)]
    tap.check(not missing, "Tab reaches " + ", ".join(wanted) + " in one round",
              "missing: " + ", ".join(missing) + "\nreached: " + " → ".join(reached))

    # The windows the keyboard opens name their buttons too.
    for combo, title in (("<Shift><Control>k", "Codebook"),
                         ("<Control>comma", "Preferences"),
                         ("<Alt>Return", "Document Properties")):
        press(combo)
        window = wait_for(lambda: next((w for w in app.app.children if w.name == title
                                        and w.getState().contains(pyatspi.STATE_ACTIVE)), None),
                          timeout=10)
        if not tap.check(window is not None, f"{combo} opens {title}",
                         [describe(w) for w in app.app.children]):
            continue
        n_buttons, unnamed = unnamed_buttons(window)
        tap.check(n_buttons >= 1 and not unnamed,
                  f"every button in {title} has an accessible name ({n_buttons})", "\n".join(unnamed))
        close = next((n for n in walk(window) if n.roleName == "push button" and n.name == "Close"), None)
        if close is not None:
            close.doActionNamed("click")
        else:
            rawinput.pressKey("Escape")
        wait_for(lambda: frame.getState().contains(pyatspi.STATE_ACTIVE), timeout=10)

    # Quit from the keyboard.
    point_into(frame)
    press("<Control>q")
    try:
        status = app.quit()
    except subprocess.TimeoutExpired:
        status = None
    tap.check(status == 0, "Ctrl+Q quits Gloss", f"exit status {status}")
    tap.check(cli.spans() == before, "the file keeps exactly the annotation it started with", cli.spans())


def run_german(tap, app):
    frame = app.frame
    view = wait_for(lambda: frame.child(roleName="text", name="Text des Dokuments", retry=False)) \
        if frame is not None else None
    tap.check(view is not None, "in German the text view is called “Text des Dokuments”",
              describe(view))
    names = {}
    for node in walk(frame) if frame is not None else []:
        try:
            if node.roleName in ("push button", "toggle button"):
                names[node.name] = node.description
        except GLib.Error:
            continue
    tap.check(names.get("Rückgängig") == "Rückgängig (Strg+Z)",
              "the undo button is “Rückgängig”, its tooltip “Rückgängig (Strg+Z)”",
              repr(names))
    tap.check(any("Codieren" in name for name in names),
              "the Tag button reads “Codieren…”", repr(sorted(names)))
    tap.check(names.get("Annotationsdetails") is not None and names.get("Hauptmenü") is not None,
              "the inspector toggle and the main menu have German names", repr(sorted(names)))
    app.proc.terminate()
    try:
        app.quit()
    except subprocess.TimeoutExpired:
        pass


if __name__ == "__main__":
    sys.exit(main())
