-- Neovim 0.11+: the default configuration of the `pavedroad` server for vim.lsp.config/enable.
-- With editors/nvim on 'runtimepath', `vim.lsp.enable('pavedroad')` is all you need; override
-- fields with vim.lsp.config('pavedroad', { cmd = {...}, init_options = {...} }).
return require('pavedroad').lsp_config()
