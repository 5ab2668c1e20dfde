// The vocabulary the end-to-end scenarios use to act on the VS Code workbench through
// Playwright: run a command from the palette, open a file, wait for a CodeLens, read the
// notifications and the output, take a screenshot. Selectors live here, not in scenarios.
import path from 'node:path';

const commandTimeoutMs = 20_000;

/**
 * Wraps a Playwright page showing the workbench. Screenshots go to `screenshotFolder`, named
 * `<scenario>-<NN>-<name>.png` in the order they are taken.
 */
export function createWorkbench(page, { screenshotFolder, scenario }) {
  let shotCount = 0;
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();

  const workbench = {
    page,

    /** Loads the workbench and waits until the explorer lists the opened folder's files. */
    async open(url) {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first()
        .waitFor({ timeout: 60_000 });
    },

    /**
     * Runs a command by its title as the palette lists it, e.g. 'View: Toggle Minimap'. The
     * palette lists what is registered when it opens, and extensions register their commands
     * as they activate, so it is reopened until the command shows or the time runs out.
     */
    async runCommand(title, timeout = commandTimeoutMs) {
      const input = page.locator('.quick-input-widget input.input');
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
      const deadline = Date.now() + timeout;
      for (;;) {
        await page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: commandTimeoutMs });
        await input.fill(`>${title}`);
        try {
          await row.waitFor({ timeout: 2_000 });
          break;
        } catch {
          await page.keyboard.press('Escape');
          if (Date.now() > deadline) throw new Error(`no command "${title}" in the palette`);
        }
      }
      await page.keyboard.press('Enter');
    },

    /** Picks an entry of an open quick pick by typing its label (only visible rows exist). */
    async pick(label) {
      await page.locator('.quick-input-widget input.input').fill(label);
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
      await row.waitFor({ timeout: commandTimeoutMs });
      await row.click();
    },

    /** The explorer row of a file of the workspace, once it is listed. */
    async explorerFile(name) {
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 30_000 });
      return row;
    },

    /** Opens a workspace file from the explorer and waits for its tab to be the active one. */
    async openFile(name) {
      await (await workbench.explorerFile(name)).dblclick();
      await page.locator('.tabs-container .tab.active', { hasText: name })
        .waitFor({ timeout: 20_000 });
      await editor.waitFor({ timeout: 20_000 });
    },

    /** Waits until the active editor shows `text` (only visible lines are in the page). */
    async waitForEditorText(text, timeout = 20_000) {
      await editor.locator('.view-lines', { hasText: text }).waitFor({ timeout });
    },

    /** The language mode the status bar shows for the active editor. */
    async languageMode() {
      const item = page.locator('.statusbar-item[id="status.editor.mode"]');
      await item.waitFor({ timeout: 20_000 });
      return (await item.innerText()).trim();
    },

    /**
     * Waits until the status bar names `language` for the active editor: a file opened before
     * the extensions are registered shows Plain Text first, then the contributed language.
     */
    async waitForLanguageMode(language, timeout = 20_000) {
      const deadline = Date.now() + timeout;
      let shown = await workbench.languageMode();
      while (shown !== language && Date.now() < deadline) {
        await page.waitForTimeout(200);
        shown = await workbench.languageMode();
      }
      if (shown !== language) {
        throw new Error(`the status bar shows language "${shown}", not "${language}"`);
      }
    },

    /** Waits for a CodeLens whose text contains `text` in the active editor; returns it. */
    async waitForLens(text, timeout = 30_000) {
      const lens = editor.locator('.codelens-decoration', { hasText: text }).first();
      await lens.waitFor({ timeout });
      return lens;
    },

    /** Runs the command behind the CodeLens showing `text`. */
    async clickLens(text) {
      await (await workbench.waitForLens(text)).locator('a', { hasText: text }).first().click();
    },

    /** The messages of every notification so far, read from the notification center. */
    async readNotifications() {
      await workbench.runCommand('Notifications: Show Notifications');
      const center = page.locator('.notifications-center');
      await center.waitFor({ timeout: commandTimeoutMs });
      const messages = await center.locator('.notification-list-item-message').allInnerTexts();
      await workbench.runCommand('Notifications: Hide Notifications');
      return messages.map((message) => message.trim());
    },

    /**
     * Shows an output channel in the panel, e.g. the extension's log. A channel reaches the
     * list some time after the extension creates it, so the list is reopened until it shows.
     */
    async showOutputChannel(name, timeout = 30_000) {
      const input = page.locator('.quick-input-widget input.input');
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
      const deadline = Date.now() + timeout;
      for (;;) {
        await workbench.runCommand('Output: Show Output Channels...');
        await input.fill(name);
        try {
          await row.waitFor({ timeout: 2_000 });
          break;
        } catch {
          await page.keyboard.press('Escape');
          if (Date.now() > deadline) throw new Error(`no output channel "${name}"`);
        }
      }
      await row.click();
    },

    /** Waits until the output panel shows `text`. */
    async waitForOutput(text, timeout = 20_000) {
      await page.locator('.part.panel .monaco-editor .view-lines', { hasText: text })
        .waitFor({ timeout });
    },

    /**
     * Hides the panel (Output, Problems, …) when it is open. The workbench remembers its layout
     * from one page load to the next, and an open panel leaves the editor fewer lines to draw.
     */
    async hidePanel() {
      const panel = page.locator('.part.panel');
      if (!(await panel.isVisible())) return;
      await workbench.runCommand('View: Hide Panel');
      await panel.waitFor({ state: 'hidden', timeout: 10_000 });
    },

    /** Saves a screenshot of the whole workbench; returns its path. */
    async screenshot(name) {
      shotCount += 1;
      const file = path.join(screenshotFolder,
        `${scenario}-${String(shotCount).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
  };
  return workbench;
}
