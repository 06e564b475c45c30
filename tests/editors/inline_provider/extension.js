// Test-only: a stand-in for an AI assistant's inline suggestions (Copilot & co.). After a line that
// ends in "audit" it offers two lines of ghost text, which the pavedroad extension attributes to AI
// when accepted with Tab.
'use strict';
const vscode = require('vscode');

const SUGGESTION = 'audit_note = user_id\n    audit_seen = issued';

function activate(context) {
  context.subscriptions.push(
    vscode.languages.registerInlineCompletionItemProvider({ language: 'python' }, {
      provideInlineCompletionItems(document, position) {
        const before = document.lineAt(position.line).text.slice(0, position.character);
        const m = /audit$/.exec(before);
        if (!m) return [];
        const start = position.translate(0, -'audit'.length);
        return [new vscode.InlineCompletionItem(SUGGESTION, new vscode.Range(start, position))];
      },
    }),
  );
}

module.exports = { activate, deactivate() {} };
