-- pavedroad.nvim: Neovim side of the pavedroad language server.
--
-- * tells the server which code an AI assistant wrote (`pavedroad/aiEdit`): completions accepted from
--   AI sources in nvim-cmp and blink.cmp, suggestions accepted from copilot.lua, codeium/windsurf.nvim,
--   neocodeium and supermaven-nvim, any key mapping you wrap with `attribute_keymap`, and code you
--   mark yourself with :PavedroadMarkAI;
-- * commands: :PavedroadZones (zones at the cursor; with ! the workspace zone map in the quickfix
--   list), :PavedroadCheckPrompt (check text as a prompt), :PavedroadMarkAI, :PavedroadSignOff.
--
-- Works with Neovim 0.11+ (vim.lsp.config / vim.lsp.enable); the core also runs on 0.7+.
-- Setup: require('pavedroad').setup({ ... }) — see docs/editors.md.

local M = {}

local api = vim.api
local uv = vim.uv or vim.loop

M.config = {
  --- name of the LSP client (as in vim.lsp.config('pavedroad', ...))
  name = 'pavedroad',
  --- completion sources (nvim-cmp `source.name`, blink.cmp `source_id`/`source_name`) whose items
  --- an AI wrote; matched case-insensitively as substrings
  ai_sources = {
    'copilot', 'codeium', 'windsurf', 'supermaven', 'tabnine', 'minuet', 'codecompanion',
    'avante', 'cmp_ai', 'llm', 'gpt', 'claude', 'ollama', 'neocodeium', 'augment', 'sourcegraph', 'cody',
  },
  --- hook these integrations when the plugin is present
  integrations = {
    cmp = true, blink = true, copilot = true, codeium = true, neocodeium = true, supermaven = true,
  },
  --- create the user commands
  commands = true,
  --- after an accept, how long (ms) to wait for the insertion and collect its changes
  capture_ms = 150,
  --- how far back (ms) a completion-confirm event looks for the edits that made it
  lookback_ms = 250,
}

local ns_local = {} -- per buffer: { attached = bool, log = { {t=, sr=, sc=, oer=, ner=, nec=} ... } }

-- ---------------------------------------------------------------- compatibility helpers

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- The pavedroad client attached to `bufnr` (or any running one when bufnr is nil).
function M.client(bufnr)
  local clients
  if vim.lsp.get_clients then
    clients = vim.lsp.get_clients({ bufnr = bufnr, name = M.config.name })
  elseif bufnr then
    clients = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  else
    clients = vim.lsp.get_active_clients()
  end
  for _, c in ipairs(clients) do
    if c.name == M.config.name then
      return c
    end
  end
  return nil
end

local function notify_client(client, method, params)
  if has('nvim-0.11') then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function request_client(client, method, params, handler, bufnr)
  -- handler(err, result) on both the 0.7 and the 0.11 calling conventions
  local function h(err, result)
    handler(err, result)
  end
  if has('nvim-0.11') then
    return client:request(method, params, h, bufnr)
  end
  return client.request(method, params, h, bufnr)
end

local function encoding(client)
  return (client and client.offset_encoding) or 'utf-16'
end

--- LSP character index of byte column `col` on `line` (a string) in `enc`.
local function char_index(line, col, enc)
  line = line or ''
  if col > #line then
    col = #line
  end
  if enc == 'utf-8' then
    return col
  end
  if has('nvim-0.11') then
    return vim.str_utfindex(line, enc, col, false)
  end
  local utf32, utf16 = vim.str_utfindex(line, col)
  return enc == 'utf-32' and utf32 or utf16
end

local function get_line(bufnr, row)
  return api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

--- LSP position of (row, byte col), both 0-based.
local function lsp_pos(bufnr, row, col, enc)
  return { line = row, character = char_index(get_line(bufnr, row), col, enc) }
end

local function buf_version(bufnr)
  local v = vim.lsp.util.buf_versions and vim.lsp.util.buf_versions[bufnr]
  return v or api.nvim_buf_get_changedtick(bufnr)
end

-- ---------------------------------------------------------------- sending aiEdit

--- Sends `pavedroad/aiEdit` for an LSP range of `bufnr`. Pending didChange notifications are
--- flushed first (client.notify does that), so the version matches what the server has.
function M.notify_ai_edit(bufnr, range, tool)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    return false
  end
  -- a no-op notification would flush too, but version must be read after the flush: notify flushes
  -- pending changes before sending, and the version we send is the latest the buffer has
  return notify_client(client, 'pavedroad/aiEdit', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr), version = buf_version(bufnr) },
    range = range,
    tool = tool,
  })
end

--- Marks 0-based rows [first, last] (inclusive, whole lines) as AI-written.
function M.mark_lines(bufnr, first, last, tool)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local n = api.nvim_buf_line_count(bufnr)
  local range
  if last + 1 < n then
    range = { start = { line = first, character = 0 }, ['end'] = { line = last + 1, character = 0 } }
  else
    local client = M.client(bufnr)
    range = { start = { line = first, character = 0 }, ['end'] = lsp_pos(bufnr, last, #get_line(bufnr, last), encoding(client)) }
  end
  return M.notify_ai_edit(bufnr, range, tool or 'manual')
end

--- Marks a region given in byte positions ({row, col}, 0-based, end exclusive) as AI-written.
function M.mark_region(bufnr, srow, scol, erow, ecol, tool)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local enc = encoding(M.client(bufnr))
  local range = { start = lsp_pos(bufnr, srow, scol, enc), ['end'] = lsp_pos(bufnr, erow, ecol, enc) }
  if range.start.line == range['end'].line and range.start.character == range['end'].character then
    return false
  end
  return M.notify_ai_edit(bufnr, range, tool)
end

-- ---------------------------------------------------------------- change tracking

--- Extends `span` (post-change rows/cols) with one on_bytes change, shifting it for lines the
--- change added or removed above it. Columns are exact for the common single-change case.
local function span_add(span, c)
  local new_end_row = c.sr + c.ner
  local new_end_col = (c.ner == 0) and (c.sc + c.nec) or c.nec
  if span.srow then
    local old_end_row = c.sr + c.oer
    local delta = c.ner - c.oer
    if old_end_row < span.srow then
      span.srow, span.erow = span.srow + delta, span.erow + delta
    elseif c.sr <= span.erow then
      span.erow = math.max(span.erow + delta, c.sr)
    end
    if c.sr < span.srow or (c.sr == span.srow and c.sc < span.scol) then
      span.srow, span.scol = c.sr, c.sc
    end
    if new_end_row > span.erow or (new_end_row == span.erow and new_end_col > span.ecol) then
      span.erow, span.ecol = new_end_row, new_end_col
    end
  else
    span.srow, span.scol, span.erow, span.ecol = c.sr, c.sc, new_end_row, new_end_col
  end
end

local function now_ms()
  return uv.hrtime() / 1e6
end

--- Starts recording changes of `bufnr` (idempotent). Kept: the last 64 changes.
function M.track(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local st = ns_local[bufnr]
  if st and st.attached then
    return st
  end
  st = { attached = true, log = {}, captures = {} }
  ns_local[bufnr] = st
  api.nvim_buf_attach(bufnr, false, {
    on_bytes = function(_, buf, _, sr, sc, _, oer, _, _, ner, nec, _)
      local s = ns_local[buf]
      if not s or not s.attached then
        return true -- detach
      end
      local c = { t = now_ms(), sr = sr, sc = sc, oer = oer, ner = ner, nec = nec }
      table.insert(s.log, c)
      if #s.log > 64 then
        table.remove(s.log, 1)
      end
      for _, cap in ipairs(s.captures) do
        span_add(cap.span, c)
        cap.seen = true
      end
    end,
    on_detach = function(_, buf)
      ns_local[buf] = nil
    end,
  })
  return st
end

local function finish_capture(bufnr, cap)
  local st = ns_local[bufnr]
  if st then
    for i, c in ipairs(st.captures) do
      if c == cap then
        table.remove(st.captures, i)
        break
      end
    end
  end
  if cap.done then
    return
  end
  cap.done = true
  local s = cap.span
  if s.srow and api.nvim_buf_is_valid(bufnr) then
    M.mark_region(bufnr, s.srow, s.scol, s.erow, s.ecol, cap.tool)
  end
end

--- Runs `fn` and reports what it inserts into `bufnr` (now, or in the next moments: plugins
--- insert from scheduled callbacks and feedkeys) as written by `tool`. Returns fn's results.
function M.attribute(bufnr, tool, fn, ...)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  if not M.client(bufnr) then
    return fn(...)
  end
  local st = M.track(bufnr)
  local cap = { tool = tool, span = {}, seen = false }
  table.insert(st.captures, cap)
  local results = { pcall(fn, ...) }
  -- wait for the insertion: finish shortly after the first change, or give up after 1 s
  local waited = 0
  local function poll()
    if cap.done then
      return
    end
    if cap.seen then
      vim.defer_fn(function()
        finish_capture(bufnr, cap)
      end, M.config.capture_ms)
    elseif waited >= 1000 then
      finish_capture(bufnr, cap)
    else
      waited = waited + 50
      vim.defer_fn(poll, 50)
    end
  end
  vim.defer_fn(poll, 0)
  if not results[1] then
    error(results[2], 0)
  end
  return (table.unpack or unpack)(results, 2)
end

--- Reports the changes of the last `lookback_ms` and the next `capture_ms` as written by `tool`:
--- for completion events that fire after the edit was applied (nvim-cmp confirm_done, blink.cmp accept).
function M.attribute_recent(bufnr, tool)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  if not M.client(bufnr) then
    return
  end
  local st = M.track(bufnr)
  local since = now_ms() - M.config.lookback_ms
  local cap = { tool = tool, span = {}, seen = false }
  for _, c in ipairs(st.log) do
    if c.t >= since then
      span_add(cap.span, c)
    end
  end
  table.insert(st.captures, cap)
  vim.defer_fn(function()
    finish_capture(bufnr, cap)
  end, M.config.capture_ms)
end

--- Wraps the existing mapping of `lhs` (mode `mode`, default insert) so that what it inserts is
--- reported as AI-written; for Vimscript plugins such as copilot.vim or codeium.vim:
---   require('pavedroad').attribute_keymap('i', '<Tab>', 'copilot.vim')
function M.attribute_keymap(mode, lhs, tool)
  mode = mode or 'i'
  local map = vim.fn.maparg(lhs, mode, false, true)
  if type(map) ~= 'table' or vim.tbl_isempty(map) then
    return false
  end
  local opts = {
    silent = map.silent == 1,
    buffer = map.buffer == 1 and 0 or nil,
    desc = (map.desc or lhs) .. ' (pavedroad: AI-written)',
  }
  local fn
  if map.callback then
    opts.expr = map.expr == 1
    opts.replace_keycodes = opts.expr and map.replace_keycodes == 1 or nil
    fn = function()
      return M.attribute(0, tool, map.callback)
    end
  elseif map.expr == 1 then
    -- a Vimscript <expr> mapping (copilot#Accept(), codeium#Accept()): its result is already raw keys
    opts.expr, opts.replace_keycodes = true, false
    fn = function()
      return M.attribute(0, tool, vim.fn.eval, map.rhs)
    end
  else
    fn = function()
      M.attribute(0, tool, function()
        api.nvim_feedkeys(api.nvim_replace_termcodes(map.rhs, true, false, true), map.noremap == 1 and 'n' or 'm', false)
      end)
    end
  end
  vim.keymap.set(mode, lhs, fn, opts)
  return true
end

-- ---------------------------------------------------------------- integrations

local function is_ai_source(name)
  if type(name) ~= 'string' then
    return false
  end
  name = name:lower()
  for _, s in ipairs(M.config.ai_sources) do
    if name:find(s:lower(), 1, true) then
      return true
    end
  end
  return false
end
M.is_ai_source = is_ai_source

local function wrap_module(modname, fnames, tool)
  local ok, mod = pcall(require, modname)
  if not ok or type(mod) ~= 'table' or mod.__pavedroad_wrapped then
    return ok
  end
  for _, f in ipairs(fnames) do
    local orig = mod[f]
    if type(orig) == 'function' then
      mod[f] = function(...)
        return M.attribute(0, tool, orig, ...)
      end
    end
  end
  mod.__pavedroad_wrapped = true
  return true
end

local hooked = {}

--- Hooks the AI plugins that are loaded now; called at setup and on InsertEnter (lazy loading).
function M.hook_integrations()
  local int = M.config.integrations
  if int.copilot and not hooked.copilot and package.loaded['copilot'] then
    hooked.copilot = wrap_module('copilot.suggestion', { 'accept', 'accept_word', 'accept_line' }, 'copilot.lua')
  end
  if int.codeium and not hooked.codeium and package.loaded['codeium'] then
    hooked.codeium = wrap_module('codeium.virtual_text', { 'accept', 'accept_next_word', 'accept_next_line' }, 'codeium')
  end
  if int.neocodeium and not hooked.neocodeium and package.loaded['neocodeium'] then
    hooked.neocodeium = wrap_module('neocodeium', { 'accept', 'accept_word', 'accept_line' }, 'neocodeium')
  end
  if int.supermaven and not hooked.supermaven and package.loaded['supermaven-nvim'] then
    hooked.supermaven = wrap_module('supermaven-nvim.completion_preview', { 'on_accept_suggestion', 'on_accept_suggestion_word' }, 'supermaven')
  end
  if int.cmp and not hooked.cmp and package.loaded['cmp'] then
    local cmp = require('cmp')
    if cmp.event and cmp.event.on then
      cmp.event:on('confirm_done', function(evt)
        local source = evt and evt.entry and evt.entry.source
        local name = source and (source.name or (source.source and source.source.name))
        if is_ai_source(name) then
          M.attribute_recent(api.nvim_get_current_buf(), 'nvim-cmp:' .. name)
        end
      end)
      hooked.cmp = true
    end
  end
end

-- ---------------------------------------------------------------- commands

local LEVEL_ICON = { allow = '', warn = '!', review = 'R', deny = 'X' }

--- Requests the zones at `pos` ({row, col} 0-based byte col, default cursor); cb(err, zones).
function M.zones_at(bufnr, pos, cb)
  bufnr = (bufnr == nil or bufnr == 0) and api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    return cb('pavedroad is not attached to this buffer')
  end
  if not pos then
    local c = api.nvim_win_get_cursor(0)
    pos = { c[1] - 1, c[2] }
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = lsp_pos(bufnr, pos[1], pos[2], encoding(client)),
  }
  request_client(client, 'pavedroad/zonesAt', params, function(err, result)
    cb(err and (err.message or vim.inspect(err)) or nil, result and result.zones or {})
  end, bufnr)
end

function M.format_zone(z)
  local parts = { string.format('%s%s (AI: %s, context: %s)', z.title and (z.title .. ' / ') or '', z.id,
    tostring(z.ai or '?'), tostring(z.context or '?')) }
  if z.why and z.why ~= '' then
    table.insert(parts, '  why: ' .. z.why)
  end
  if z.reviewers and #z.reviewers > 0 then
    table.insert(parts, '  reviewers: ' .. table.concat(z.reviewers, ', '))
  end
  return table.concat(parts, '\n')
end

local function show_zones_here()
  M.zones_at(0, nil, function(err, zones)
    if err then
      return vim.notify('pavedroad: ' .. err, vim.log.levels.WARN)
    end
    if #zones == 0 then
      return vim.notify('pavedroad: no risk zone at the cursor', vim.log.levels.INFO)
    end
    local lines = {}
    for _, z in ipairs(zones) do
      table.insert(lines, M.format_zone(z))
    end
    vim.notify(table.concat(lines, '\n'), vim.log.levels.INFO)
  end)
end

--- Loads the workspace zone map (`pavedroad.showZoneMap`) into the quickfix list.
function M.zone_map(cb)
  local client = M.client(api.nvim_get_current_buf()) or M.client(nil)
  if not client then
    return vim.notify('pavedroad: no running pavedroad client', vim.log.levels.WARN)
  end
  local root = client.config.root_dir or vim.fn.getcwd()
  local params = { command = 'pavedroad.showZoneMap', arguments = { vim.uri_from_fname(root) } }
  request_client(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      return vim.notify('pavedroad: zone map failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    local items = {}
    for _, f in ipairs((result and result.files) or {}) do
      local file = f.path or f.file or (f.uri and vim.uri_to_fname(f.uri)) or '?'
      if not file:match('^/') then
        file = root .. '/' .. file
      end
      local has_regions = type(f.regions) == 'table' and #f.regions > 0
      for _, z in ipairs(has_regions and {} or f.zones or {}) do
        local id = type(z) == 'string' and z or z.id
        local regions = (type(z) == 'table' and z.regions) or { {} }
        for _, r in ipairs(regions) do
          local lnum = r.start_line or r.startLine or (r.range and r.range.start.line + 1) or 1
          table.insert(items, { filename = file, lnum = lnum,
            text = string.format('%s (AI: %s)', id, type(z) == 'table' and (z.ai or z.level or '?') or '?') })
        end
      end
      for _, r in ipairs(f.regions or {}) do
        local lnum = r.start_line or r.startLine or (r.range and r.range.start.line + 1) or 1
        local ids = r.zones or { r.zone or r.id }
        for _, id in ipairs(ids) do
          local text = type(id) == 'table' and id.id or tostring(id)
          if r.symbol and r.symbol ~= vim.NIL then
            text = text .. ' (' .. tostring(r.symbol) .. ')'
          end
          table.insert(items, { filename = file, lnum = lnum, text = text })
        end
      end
    end
    vim.fn.setqflist({}, ' ', { title = 'pavedroad zone map', items = items })
    if cb then
      cb(items)
    else
      vim.cmd('copen')
    end
  end)
end

--- Checks `text` as a prompt; cb(err, result) with result = {verdict, findings, redacted}.
function M.check_prompt(text, references, cb)
  local client = M.client(api.nvim_get_current_buf()) or M.client(nil)
  if not client then
    return cb('no running pavedroad client')
  end
  local params = { text = text }
  if references and #references > 0 then
    params.references = references
  end
  request_client(client, 'pavedroad/checkPrompt', params, function(err, result)
    cb(err and (err.message or vim.inspect(err)) or nil, result)
  end)
end

local function show_prompt_result(result)
  local n = #(result.findings or {})
  local lines = { string.format('pavedroad prompt check: %s (%d finding%s)', result.verdict, n, n == 1 and '' or 's') }
  for _, f in ipairs(result.findings or {}) do
    table.insert(lines, string.format('  [%s/%s] %s (chars %d-%d)', f.kind, f.rule, f.message, f.start, f['end']))
  end
  local level = result.verdict == 'block' and vim.log.levels.ERROR
    or result.verdict == 'warn' and vim.log.levels.WARN or vim.log.levels.INFO
  vim.notify(table.concat(lines, '\n'), level)
  if n > 0 and result.redacted then
    vim.ui.select({ 'Copy the redacted text', 'Cancel' }, { prompt = 'pavedroad:' }, function(choice)
      if choice == 'Copy the redacted text' then
        local reg = vim.fn.has('clipboard') == 1 and '+' or '"'
        vim.fn.setreg(reg, result.redacted)
        vim.notify('pavedroad: redacted text in register ' .. reg)
      end
    end)
  end
end

local function cmd_check_prompt(opts)
  local text, refs
  if opts.range and opts.range > 0 then
    text = table.concat(api.nvim_buf_get_lines(0, opts.line1 - 1, opts.line2, false), '\n')
    refs = { vim.uri_from_bufnr(0) }
  else
    local reg = opts.args ~= '' and opts.args or (vim.fn.has('clipboard') == 1 and '+' or '"')
    text = vim.fn.getreg(reg)
  end
  M.check_prompt(text, refs, function(err, result)
    if err then
      return vim.notify('pavedroad: ' .. err, vim.log.levels.ERROR)
    end
    show_prompt_result(result)
  end)
end

--- Runs the "Sign off" code action for the AI-written code on the cursor line.
function M.sign_off()
  local bufnr = api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    return vim.notify('pavedroad: not attached', vim.log.levels.WARN)
  end
  local row = api.nvim_win_get_cursor(0)[1] - 1
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = row })) do
    if d.source == 'pavedroad' then
      table.insert(diags, (d.user_data and d.user_data.lsp) or {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
        message = d.message, code = d.code, source = d.source, severity = d.severity,
      })
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = row, character = 0 }, ['end'] = { line = row + 1, character = 0 } },
    context = { diagnostics = diags },
  }
  request_client(client, 'textDocument/codeAction', params, function(err, actions)
    if err then
      return vim.notify('pavedroad: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    for _, a in ipairs(actions or {}) do
      if type(a.title) == 'string' and a.title:find('^Sign off') then
        if a.edit then
          vim.lsp.util.apply_workspace_edit(a.edit, encoding(client))
        end
        local cmd = type(a.command) == 'table' and a.command or (type(a.command) == 'string' and a) or nil
        if cmd then
          request_client(client, 'workspace/executeCommand', { command = cmd.command, arguments = cmd.arguments }, function(e)
            if e then
              vim.notify('pavedroad: sign-off failed: ' .. (e.message or vim.inspect(e)), vim.log.levels.ERROR)
            else
              vim.notify('pavedroad: ' .. a.title)
            end
          end, bufnr)
        end
        return
      end
    end
    vim.notify('pavedroad: no AI-written code waiting for a sign-off on this line', vim.log.levels.INFO)
  end, bufnr)
end

local function create_commands()
  local cmd = api.nvim_create_user_command
  cmd('PavedroadZones', function(opts)
    if opts.bang then
      M.zone_map()
    else
      show_zones_here()
    end
  end, { bang = true, desc = 'pavedroad: zones at the cursor (! = workspace zone map in the quickfix list)' })
  cmd('PavedroadCheckPrompt', cmd_check_prompt, {
    range = true, nargs = '?',
    desc = 'pavedroad: check the range, or a register (default +), as a prompt',
  })
  cmd('PavedroadMarkAI', function(opts)
    M.mark_lines(0, opts.line1 - 1, opts.line2 - 1, opts.args ~= '' and opts.args or 'manual')
  end, { range = true, nargs = '?', desc = 'pavedroad: mark the range as AI-written' })
  cmd('PavedroadSignOff', function()
    M.sign_off()
  end, { desc = 'pavedroad: run the Sign off quick fix on this line' })
end

-- ---------------------------------------------------------------- setup

--- The server settings for vim.lsp.config / lspconfig: cmd, filetypes, root markers, init_options.
function M.lsp_config(opts)
  opts = opts or {}
  local settings = { centralZones = opts.central_zones or {}, debounceMs = opts.debounce_ms or 200 }
  return {
    cmd = opts.cmd or { 'pavedroad', 'lsp' },
    filetypes = opts.filetypes or {
      'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'java',
      'terraform', 'hcl', 'yaml',
    },
    root_markers = { '.pavedroad.yaml', '.git' },
    init_options = settings,
    settings = { pavedroad = settings },
  }
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  if opts and opts.ai_sources then
    M.config.ai_sources = opts.ai_sources -- a list replaces the defaults
  end
  local group = api.nvim_create_augroup('pavedroad', { clear = true })
  if has('nvim-0.8') then
    api.nvim_create_autocmd('LspAttach', {
      group = group,
      callback = function(args)
        local client = vim.lsp.get_client_by_id(args.data.client_id)
        if client and client.name == M.config.name then
          M.track(args.buf)
        end
      end,
    })
  end
  api.nvim_create_autocmd('InsertEnter', { group = group, callback = M.hook_integrations })
  if M.config.integrations.blink then
    api.nvim_create_autocmd('User', {
      group = group,
      pattern = 'BlinkCmpAccept',
      callback = function(ev)
        local item = ev.data and ev.data.item or {}
        local name = item.source_id or item.source_name
        if is_ai_source(name) then
          local ctx = ev.data and ev.data.context
          M.attribute_recent(ctx and ctx.bufnr or api.nvim_get_current_buf(), 'blink.cmp:' .. tostring(name))
        end
      end,
    })
  end
  if M.config.commands then
    create_commands()
  end
  M.hook_integrations()
  return M
end

return M
