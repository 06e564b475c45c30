-- Headless Neovim (0.7.2 from Debian, also newer) driving the pavedroad server through the real
-- editors/nvim module. Run by tests/editors/test_nvim.py:
--   nvim --headless -u NONE -i NONE -n -c 'luafile nvim_driver.lua'
-- env: PAVEDROAD_CMD (JSON array), PAVEDROAD_ROOT (workspace), PAVEDROAD_RTP (editors/nvim),
--      PAVEDROAD_CASES (JSON: [{file, insert_at, lines, expect_code|null, tool}]),
--      PAVEDROAD_EXTRA ("commands" to also exercise zonesAt / checkPrompt / zone map, "add_to_zone"
--      to apply the "Add to zone" code action on the first case's line and save)
-- Prints one JSON object on stdout: {cases: [...], extra: {...}}; exit 0 when it ran to the end,
-- 2 when the client could not start, 3 on an internal error (message on stderr).

local function out(obj)
  io.stdout:write(vim.fn.json_encode(obj) .. '\n')
end

local function fail(code, msg)
  io.stderr:write(msg .. '\n')
  vim.cmd('cquit ' .. code)
end

local ok_all, err_all = pcall(function()
  vim.o.hidden = true -- switch buffers without saving
  vim.opt.rtp:prepend(vim.env.PAVEDROAD_RTP)
  local pavedroad = require('pavedroad').setup({ capture_ms = 50 })
  local root = vim.env.PAVEDROAD_ROOT
  local cases = vim.fn.json_decode(vim.env.PAVEDROAD_CASES)

  -- remember the versions of every publishDiagnostics, to know when the server has answered
  local published = {}
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  local function on_publish(err, result, ctx, config)
    if result and result.uri then
      published[result.uri] = published[result.uri] or {}
      table.insert(published[result.uri], result.version or -1)
    end
    return default_handler(err, result, ctx, config)
  end

  local id = vim.lsp.start_client({
    name = 'pavedroad',
    cmd = vim.fn.json_decode(vim.env.PAVEDROAD_CMD),
    root_dir = root,
    -- 0.7.2 does not advertise workspace/configuration: settings go through init_options
    init_options = { debounceMs = 50 },
    handlers = { ['textDocument/publishDiagnostics'] = on_publish },
    flags = { debounce_text_changes = 20 },
  })
  if not id then
    return fail(2, 'start_client failed')
  end

  local results = {}
  local function pavedroad_diags(bufnr)
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.source == 'pavedroad' then
        table.insert(list, { lnum = d.lnum, end_lnum = d.end_lnum, col = d.col, severity = d.severity,
                             code = d.code, message = d.message, source = d.source })
      end
    end
    return list
  end
  local function has_code(bufnr, code)
    for _, d in ipairs(pavedroad_diags(bufnr)) do
      if d.code == code then
        return true
      end
    end
    return false
  end
  local function answered(uri, version)
    for _, v in ipairs(published[uri] or {}) do
      if v >= version then
        return true
      end
    end
    return false
  end

  for _, case in ipairs(cases) do
    local t0 = vim.loop.hrtime()
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. case.file))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, id)
    local uri = vim.uri_from_bufnr(bufnr)
    -- the server publishes once the document is open (its first analysis)
    local opened = vim.wait(15000, function() return published[uri] ~= nil end, 10)
    -- an insertion typed by a person (two lines: below the server's heuristic block size) ...
    vim.api.nvim_buf_set_lines(bufnr, case.insert_at, case.insert_at, false, case.lines)
    -- ... that the module then reports as AI-written
    local sent = pavedroad.mark_lines(bufnr, case.insert_at, case.insert_at + #case.lines - 1, case.tool or 'test')
    local version = vim.lsp.util.buf_versions[bufnr]
    local ok
    if case.expect_code ~= vim.NIL and case.expect_code then
      ok = vim.wait(15000, function() return has_code(bufnr, case.expect_code) end, 10)
    else
      -- no diagnostic expected: wait for the server's answer to this version, then a bit more
      ok = vim.wait(15000, function() return answered(uri, version) end, 10)
      vim.wait(600, function() return false end, 50)
    end
    table.insert(results, {
      file = case.file, opened = opened, sent = sent and true or false, version = version, waited_ok = ok,
      seconds = (vim.loop.hrtime() - t0) / 1e9, diagnostics = pavedroad_diags(bufnr),
      published_versions = published[uri] or {},
    })
  end

  local extra = vim.NIL
  if vim.env.PAVEDROAD_EXTRA == 'commands' then
    extra = {}
    -- zones at a line inside the auth function of the last auth file opened
    local bufnr = vim.fn.bufnr(root .. '/' .. cases[1].file)
    vim.api.nvim_set_current_buf(bufnr)
    local done = false
    pavedroad.zones_at(bufnr, { cases[1].insert_at, 4 }, function(err, zones)
      extra.zones_error, extra.zones, done = err or vim.NIL, zones, true
    end)
    vim.wait(10000, function() return done end, 10)
    done = false
    pavedroad.check_prompt('deploy with key ' .. vim.env.PAVEDROAD_FAKE_KEY .. ' please', nil, function(err, result)
      extra.prompt_error, extra.prompt, done = err or vim.NIL, result or vim.NIL, true
    end)
    vim.wait(10000, function() return done end, 10)
    done = false
    pavedroad.zone_map(function(items)
      extra.zone_map_items, done = #items, true
    end)
    vim.wait(10000, function() return done end, 10)
    extra.commands = {
      zones = vim.fn.exists(':PavedroadZones') == 2,
      check_prompt = vim.fn.exists(':PavedroadCheckPrompt') == 2,
      mark_ai = vim.fn.exists(':PavedroadMarkAI') == 2,
      sign_off = vim.fn.exists(':PavedroadSignOff') == 2,
    }
  end

  if vim.env.PAVEDROAD_EXTRA == 'add_to_zone' then
    -- "Add to zone": ask for code actions on the definition line of the first case's file,
    -- apply the one the server offers the way `vim.lsp.buf.code_action()` would, save everything
    extra = { titles = {} }
    local bufnr = vim.fn.bufnr(root .. '/' .. cases[1].file)
    vim.api.nvim_set_current_buf(bufnr)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      range = { start = { line = cases[1].insert_at, character = 0 }, ['end'] = { line = cases[1].insert_at, character = 0 } },
      context = { diagnostics = {} },
    }
    local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000) or {}
    for _, answer in pairs(answers) do
      for _, action in ipairs(answer.result or {}) do
        table.insert(extra.titles, action.title)
        if action.edit and action.title:find('^Add `') then
          vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
          extra.applied = action.title
        end
      end
    end
    vim.cmd('silent! wall')
  end

  out({ cases = results, extra = extra, nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch) })
  vim.lsp.stop_client(id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
end)

if not ok_all then
  fail(3, 'driver error: ' .. tostring(err_all))
else
  vim.cmd('qall!')
end
