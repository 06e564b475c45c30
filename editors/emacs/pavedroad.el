;;; pavedroad.el --- Pavedroad risk zones for AI-written code, through eglot  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9") (jsonrpc "1.0.14"))
;; Keywords: tools, languages
;; SPDX-License-Identifier: Apache-2.0

;;; Commentary:

;; Runs the pavedroad language server through eglot and tells it which code an AI assistant
;; wrote (the `pavedroad/aiEdit' notification):
;;
;;   (require 'pavedroad)                       ; with this file on `load-path'
;;   (setq pavedroad-central-zones '("~/security/central-zones.yaml"))   ; optional
;;   (pavedroad-setup)                          ; registers the server with eglot + integrations
;;   (add-hook 'python-mode-hook #'eglot-ensure)
;;
;; Commands:
;;   `pavedroad-mark-region-as-ai'   report the region as AI-written (code from a chat buffer)
;;   `pavedroad-zones-at-point'      the zones at point: level, why, reviewers
;;   `pavedroad-check-prompt'        check the region (or the latest kill) as a prompt
;;   `pavedroad-zone-map'            every file's zones, in a grep-mode buffer
;;   `pavedroad-sign-off'            run the "Sign off" quick fix on this line
;;
;; Integrations (enabled by `pavedroad-setup' when the package is loaded): copilot.el
;; (`copilot-accept-completion' and its by-word / by-line variants) and gptel (each response).
;; Wrap any other command with `pavedroad-attribute-command'.
;;
;; Eglot runs one server per buffer: if you use another server for the same major modes, run
;; pavedroad through an LSP multiplexer, or add pavedroad as an add-on server in lsp-mode.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'jsonrpc)
(require 'json)
(require 'subr-x)
(require 'grep)
(require 'project)

(defgroup pavedroad nil
  "Risk zones for AI-written code."
  :group 'tools
  :prefix "pavedroad-")

(defcustom pavedroad-server-command '("pavedroad" "lsp")
  "Command line that starts the pavedroad language server on stdio."
  :type '(repeat string))

(defcustom pavedroad-central-zones nil
  "Central zone maps: local paths or \"https://host/zones.yaml#sha256=DIGEST\" strings."
  :type '(repeat string))

(defcustom pavedroad-debounce-ms 200
  "Delay (ms) after the last edit before the server re-evaluates a buffer."
  :type 'integer)

(defcustom pavedroad-major-modes
  '(python-mode python-ts-mode js-mode js-ts-mode typescript-mode typescript-ts-mode tsx-ts-mode
    go-mode go-ts-mode java-mode java-ts-mode terraform-mode hcl-mode yaml-mode yaml-ts-mode)
  "Major modes whose buffers eglot connects to pavedroad.
YAML is there for `.pavedroad.yaml' itself (live config diagnostics; the
\"Add to zone\" action edits the buffer the server sees) and for manifests."
  :type '(repeat symbol))

(defun pavedroad--settings ()
  "The server settings.
Sent as initializationOptions and as the `pavedroad' configuration section."
  (list :centralZones (vconcat (mapcar #'pavedroad--expand pavedroad-central-zones))
        :debounceMs pavedroad-debounce-ms))

(defun pavedroad--expand (entry)
  "Expand ENTRY as a file name unless it is a URL."
  (if (string-match-p "://" entry) entry (expand-file-name entry)))

(defun pavedroad-eglot-contact (&optional _interactive)
  "Eglot contact for the pavedroad server (an entry of `eglot-server-programs')."
  `(,@pavedroad-server-command :initializationOptions ,(pavedroad--settings)))

;;;; Talking to the server

(defun pavedroad--server ()
  "The eglot server of the current buffer, or an error."
  (or (eglot-current-server)
      (user-error "pavedroad: this buffer is not managed by eglot (M-x eglot)")))

(defun pavedroad--flush ()
  "Send pending didChange notifications, so versions match what the server has."
  (when (and (bound-and-true-p eglot--managed-mode)
             (fboundp 'eglot--signal-textDocument/didChange))
    (eglot--signal-textDocument/didChange)))

(defun pavedroad--position (pos)
  "LSP position of buffer position POS."
  (save-excursion (eglot--pos-to-lsp-position pos)))

(defun pavedroad--document ()
  "Versioned text document identifier of the current buffer."
  (eglot--VersionedTextDocumentIdentifier))

(defun pavedroad-notify-ai-edit (beg end &optional tool)
  "Tell the server that an AI wrote the text between BEG and END.
TOOL names the assistant."
  (when (< beg end)
    (let ((server (pavedroad--server)))
      (pavedroad--flush)
      (jsonrpc-notify server :pavedroad/aiEdit
                      (append (list :textDocument (pavedroad--document)
                                    :range (list :start (pavedroad--position beg)
                                                 :end (pavedroad--position end)))
                              (and tool (list :tool tool))))
      t)))

(defun pavedroad-mark-region-as-ai (beg end &optional tool)
  "Report the region BEG..END as written by an AI assistant.
TOOL names it (default \"manual\")."
  (interactive "r")
  (when (pavedroad-notify-ai-edit beg end (or tool "manual"))
    (when (called-interactively-p 'interactive)
      (message "pavedroad: marked %d line(s) as AI-written" (count-lines beg end)))
    t))

;;;; Attributing insertions made by other commands

(defvar-local pavedroad--capture nil
  "Changes seen while capturing.
A cons of markers (BEG . END) spanning the changed text, or t before any change.")

(defun pavedroad--after-change (beg end _len)
  "Grow the capture to cover BEG..END."
  (when pavedroad--capture
    (if (consp pavedroad--capture)
        (progn
          (when (< beg (car pavedroad--capture)) (set-marker (car pavedroad--capture) beg))
          (when (> end (cdr pavedroad--capture)) (set-marker (cdr pavedroad--capture) end)))
      (let ((e (copy-marker end t)))
        (setq pavedroad--capture (cons (copy-marker beg) e))))))

(defun pavedroad-call-attributed (tool fn &rest args)
  "Call FN with ARGS; report what it inserts as written by TOOL."
  (if (not (and (bound-and-true-p eglot--managed-mode) (eglot-current-server)))
      (apply fn args)
    (let ((buffer (current-buffer)))
      (setq pavedroad--capture t)
      (add-hook 'after-change-functions #'pavedroad--after-change nil t)
      (unwind-protect
          (apply fn args)
        (when (buffer-live-p buffer)
          (with-current-buffer buffer
            (remove-hook 'after-change-functions #'pavedroad--after-change t)
            (let ((span pavedroad--capture))
              (setq pavedroad--capture nil)
              (when (consp span)
                (ignore-errors
                  (pavedroad-notify-ai-edit (marker-position (car span)) (marker-position (cdr span)) tool))
                (set-marker (car span) nil)
                (set-marker (cdr span) nil)))))))))

(defun pavedroad-attribute-command (command tool)
  "Advise COMMAND so that what it inserts is reported as written by TOOL."
  (advice-add command :around
              (lambda (orig &rest args) (apply #'pavedroad-call-attributed tool orig args))
              (list :name (intern (format "pavedroad-attribute-%s" command)))))

(defun pavedroad--gptel-response (beg end)
  "`gptel-post-response-functions' hook: the response BEG..END is AI-written."
  (when (and (bound-and-true-p eglot--managed-mode) (< beg end))
    (ignore-errors (pavedroad-notify-ai-edit beg end "gptel"))))

(defun pavedroad--hook-integrations ()
  "Attribute insertions of the AI packages that are loaded."
  (with-eval-after-load 'copilot
    (dolist (cmd '(copilot-accept-completion copilot-accept-completion-by-word
                   copilot-accept-completion-by-line copilot-accept-completion-by-paragraph))
      (when (fboundp cmd) (pavedroad-attribute-command cmd "copilot.el"))))
  (with-eval-after-load 'gptel
    (add-hook 'gptel-post-response-functions #'pavedroad--gptel-response)))

;;;; Commands

(defun pavedroad--format-zone (zone)
  "One line describing ZONE (a plist from pavedroad/zonesAt)."
  (let ((title (plist-get zone :title))
        (reviewers (plist-get zone :reviewers)))
    (concat (if title (format "%s (%s)" title (plist-get zone :id)) (plist-get zone :id))
            (format ": AI %s, context %s" (plist-get zone :ai) (plist-get zone :context))
            (if-let ((why (plist-get zone :why))) (format " -- %s" why) "")
            (if (and reviewers (> (length reviewers) 0))
                (format " [reviewers: %s]" (mapconcat #'identity reviewers ", "))
              ""))))

(defun pavedroad-zones-at-point ()
  "Show the zones at point. Returns their list (plists)."
  (interactive)
  (let* ((server (pavedroad--server))
         (result (jsonrpc-request server :pavedroad/zonesAt
                                  (list :textDocument (eglot--TextDocumentIdentifier)
                                        :position (pavedroad--position (point)))))
         (zones (append (plist-get result :zones) nil)))
    (when (called-interactively-p 'interactive)
      (message "%s" (if zones (mapconcat #'pavedroad--format-zone zones "\n") "pavedroad: no zone here")))
    zones))

(defun pavedroad-check-prompt (text &optional references)
  "Check TEXT as a prompt; REFERENCES are file URIs it refers to.
Interactively: the region (with the buffer's file as reference) or the
latest kill.  Shows the findings and offers to put the redacted text on
the kill ring.  Returns the result plist."
  (interactive
   (if (use-region-p)
       (list (buffer-substring-no-properties (region-beginning) (region-end))
             (and buffer-file-name (list (eglot--path-to-uri buffer-file-name))))
     (list (or (current-kill 0 t) ""))))
  (let* ((server (or (eglot-current-server)
                     (car (cl-loop for servers being the hash-values of eglot--servers-by-project
                                   append servers))
                     (user-error "pavedroad: no eglot server running")))
         (result (jsonrpc-request server :pavedroad/checkPrompt
                                  (append (list :text text)
                                          (and references (list :references (vconcat references))))))
         (findings (append (plist-get result :findings) nil)))
    (when (called-interactively-p 'interactive)
      (with-help-window "*pavedroad prompt*"
        (princ (format "Verdict: %s (%d finding%s)\n\n" (plist-get result :verdict)
                       (length findings) (if (= (length findings) 1) "" "s")))
        (dolist (f findings)
          (princ (format "[%s/%s] %s (characters %s-%s)\n" (plist-get f :kind) (plist-get f :rule)
                         (plist-get f :message) (plist-get f :start) (plist-get f :end)))))
      (when (and findings (y-or-n-p "Put the redacted prompt on the kill ring? "))
        (kill-new (plist-get result :redacted))))
    result))

(defun pavedroad-zone-map ()
  "Show the workspace zone map (every file's zones) in a grep-mode buffer."
  (interactive)
  (let* ((server (pavedroad--server))
         (root (project-root (eglot--project server)))
         (result (jsonrpc-request server :workspace/executeCommand
                                  (list :command "pavedroad.showZoneMap"
                                        :arguments (vector (eglot--path-to-uri root)))))
         (buf (get-buffer-create "*pavedroad zones*")))
    (with-current-buffer buf
      (let ((inhibit-read-only t))
        (erase-buffer)
        (setq default-directory root)
        (insert (format "pavedroad zone map of %s\n\n" root))
        (cl-loop for f across (or (plist-get result :files) [])
                 for path = (or (plist-get f :path) (plist-get f :file) (plist-get f :uri))
                 for regions = (plist-get f :regions)
                 if (and regions (> (length regions) 0))
                 do (cl-loop for r across regions
                             for symbol = (plist-get r :symbol)
                             do (insert (format "%s:%s: %s%s\n" path (or (plist-get r :start_line) 1)
                                                (plist-get r :zone)
                                                (if (stringp symbol) (format " (%s)" symbol) ""))))
                 else
                 do (cl-loop for z across (or (plist-get f :zones) [])
                             for id = (if (stringp z) z (plist-get z :id))
                             for regions = (and (listp z) (plist-get z :regions))
                             do (if (and regions (> (length regions) 0))
                                    (cl-loop for r across regions
                                             do (insert (format "%s:%s: %s (AI %s)\n" path
                                                                (or (plist-get r :start_line) 1) id
                                                                (or (and (listp z) (plist-get z :ai)) "?"))))
                                  (insert (format "%s:1: %s\n" path id)))))
        (grep-mode)))
    (pop-to-buffer buf)))

(defun pavedroad-sign-off ()
  "Run the \"Sign off\" quick fix for the AI-written code on this line."
  (interactive)
  (let* ((server (pavedroad--server))
         (beg (line-beginning-position))
         (end (line-end-position))
         (diags (cl-loop for d in (flymake-diagnostics beg end)
                         for spec = (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))
                         when spec collect spec))
         (actions (progn
                    (pavedroad--flush)
                    (jsonrpc-request server :textDocument/codeAction
                                     (list :textDocument (eglot--TextDocumentIdentifier)
                                           :range (list :start (pavedroad--position beg)
                                                        :end (pavedroad--position end))
                                           :context (list :diagnostics (vconcat diags))))))
         (action (cl-find-if (lambda (a) (string-prefix-p "Sign off" (or (plist-get a :title) "")))
                             (append actions nil))))
    (unless action (user-error "pavedroad: no AI-written code waiting for a sign-off on this line"))
    (when-let ((edit (plist-get action :edit)))
      (eglot--apply-workspace-edit edit))
    (let ((command (plist-get action :command)))
      (cond ((stringp command)          ; a bare Command
             (jsonrpc-request server :workspace/executeCommand
                              (list :command command :arguments (or (plist-get action :arguments) []))))
            (command
             (jsonrpc-request server :workspace/executeCommand
                              (list :command (plist-get command :command)
                                    :arguments (or (plist-get command :arguments) []))))))
    (message "pavedroad: %s" (plist-get action :title))))

;;;###autoload
(defun pavedroad-setup ()
  "Register the pavedroad server with eglot and hook the AI packages.
The server runs for the buffers in `pavedroad-major-modes'."
  (add-to-list 'eglot-server-programs (cons pavedroad-major-modes #'pavedroad-eglot-contact))
  (when (and (listp (default-value 'eglot-workspace-configuration))
             (not (plist-member (default-value 'eglot-workspace-configuration) :pavedroad)))
    (setq-default eglot-workspace-configuration
                  (append (list :pavedroad (pavedroad--settings))
                          (default-value 'eglot-workspace-configuration))))
  (pavedroad--hook-integrations))

(provide 'pavedroad)
;;; pavedroad.el ends here
