-- Loaded automatically when editors/nvim is on 'runtimepath' (a plugin manager or `vim.opt.rtp`).
-- Sets pavedroad up with defaults; call require('pavedroad').setup({...}) yourself to change them,
-- or set vim.g.pavedroad_no_auto_setup = true before this file runs to do it all yourself.
if vim.g.loaded_pavedroad or vim.g.pavedroad_no_auto_setup then
  return
end
vim.g.loaded_pavedroad = true
require('pavedroad').setup()
