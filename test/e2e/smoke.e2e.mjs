// Smoke scenario against the packaged extension: the workbench opens the examples, the guide's
// tutorial opens as the nnspec language, and the extension activates and writes its log.
export const title = 'opens tutorial.nnspec as the NNSpec language and activates the extension';

/** `step(name, action)` times each step and screenshots a failure; see run-e2e.mjs. */
export async function run(workbench, step) {
  await step('explorer lists tutorial.nnspec', () => workbench.explorerFile('tutorial.nnspec'));
  await workbench.screenshot('workbench');

  await step('editor shows tutorial.nnspec', async () => {
    await workbench.openFile('tutorial.nnspec');
    await workbench.waitForEditorText('network tutorial');
  });

  await step('status bar language mode is NNSpec', () => workbench.waitForLanguageMode('NNSpec'));
  await workbench.screenshot('tutorial-open');

  await step('extension log says activated', async () => {
    await workbench.showOutputChannel('Backprop Lens');
    await workbench.waitForOutput('activated');
  });
  await workbench.screenshot('extension-log');

  // Leave the layout as it was found: the scenarios after this one share the workbench's state.
  await step('the panel hides again', () => workbench.hidePanel());
}
