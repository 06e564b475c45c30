/**
 * Text from the repository (a zone's title, why or reviewers, a tool's file name) shown in a
 * Markdown tooltip as the same plain text: every ASCII punctuation character is backslash-escaped
 * (CommonMark allows it for all of them), so no link, image, HTML or emphasis can form, and GFM
 * autolinks, which need `://` or `www.` together in the source, cannot either. The server's hover
 * does the same (`plain_markdown` in server/pavedroad/lsp/render.py).
 */
export function escapeMarkdown(s: string): string {
  return s.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
