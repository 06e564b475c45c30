;;; eglot_driver.el --- emacs --batch driver for tests/editors/test_emacs.py  -*- lexical-binding: t; -*-
;;
;; Emacs 28 + Debian's elpa-eglot 1.9 with editors/emacs/pavedroad.el: for each case, open the
;; file, insert lines as a person would, report them with `pavedroad-mark-region-as-ai' (which
;; sends pavedroad/aiEdit through `jsonrpc-notify' on the eglot server), and collect the flymake
;; diagnostics. Prints one JSON object on stdout.
;;
;; env: PAVEDROAD_CMD (JSON array), PAVEDROAD_ROOT, PAVEDROAD_EL (path of pavedroad.el),
;;      PAVEDROAD_CASES (JSON: [{file, insert_at, lines, expect_code|null}])

(package-initialize)
(require 'json)
(require 'eglot)
(require 'flymake)
(load (getenv "PAVEDROAD_EL") nil t)

(setq eglot-sync-connect 15
      eglot-send-changes-idle-time 0.05
      flymake-no-changes-timeout 0.05
      python-indent-guess-indent-offset nil
      python-indent-offset 4
      pavedroad-server-command (json-parse-string (getenv "PAVEDROAD_CMD") :array-type 'list)
      pavedroad-debounce-ms 50)
(pavedroad-setup)

(defvar drv-root (file-name-as-directory (getenv "PAVEDROAD_ROOT")))
;; one project for the whole workspace (it is not a git checkout), so all files share one server
(add-hook 'project-find-functions (lambda (_dir) (cons 'transient drv-root)))

(defvar drv-published nil "List of (URI . VERSION) for every publishDiagnostics.")
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest args)
              (when (eq method 'textDocument/publishDiagnostics)
                (push (cons (plist-get args :uri) (or (plist-get args :version) -1)) drv-published))))

(defun drv-wait (pred seconds)
  "Run the event loop until PRED is non-nil or SECONDS pass; return PRED's value."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    value))

(defun drv-diags ()
  (mapcar (lambda (d)
            (list :type (symbol-name (flymake-diagnostic-type d))
                  :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                  :end_line (1- (line-number-at-pos (flymake-diagnostic-end d)))
                  :text (flymake-diagnostic-text d)))
          (flymake-diagnostics)))

(defun drv-has (code)
  (cl-some (lambda (d) (string-match-p (regexp-quote (format "[%s]" code)) (plist-get d :text)))
           (drv-diags)))

(defun drv-answered (uri version)
  (cl-some (lambda (p) (and (equal (car p) uri) (>= (cdr p) version))) drv-published))

(defun drv-case (case)
  (let* ((t0 (float-time))
         (file (expand-file-name (gethash "file" case) drv-root))
         (insert-at (gethash "insert_at" case))
         (lines (gethash "lines" case))
         (expect (gethash "expect_code" case)))
    (find-file file)
    (python-mode)
    (eglot-ensure)
    (run-hooks 'post-command-hook)      ; eglot-ensure defers to post-command-hook
    (let* ((uri (eglot--path-to-uri file))
           (connected (drv-wait (lambda () (and (eglot-current-server) eglot--managed-mode)) 20))
           (opened (drv-wait (lambda () (assoc uri drv-published)) 15))
           beg end sent version ok)
      (goto-char (point-min))
      (forward-line insert-at)
      (setq beg (point))
      (insert (mapconcat #'identity lines "\n") "\n")
      (setq end (1- (point)))           ; up to the end of the last inserted line
      (setq sent (and connected (pavedroad-mark-region-as-ai beg end "test")))
      (setq version eglot--versioned-identifier)
      (setq ok (if (and expect (not (eq expect :null)))
                   (drv-wait (lambda () (drv-has expect)) 15)
                 (prog1 (drv-wait (lambda () (drv-answered uri version)) 15)
                   (drv-wait (lambda () nil) 0.6))))
      (list :file (gethash "file" case) :connected (if connected t :false) :opened (if opened t :false)
            :sent (if sent t :false) :version version :waited_ok (if ok t :false)
            :seconds (- (float-time) t0) :diagnostics (vconcat (drv-diags))))))

(defun drv-extra ()
  "Exercise the package's commands in the first case's buffer."
  (let (zones prompt map-lines)
    (condition-case err
        (progn
          (setq zones (mapcar (lambda (z) (plist-get z :id)) (pavedroad-zones-at-point)))
          (setq prompt (pavedroad-check-prompt (format "deploy with key %s please" (getenv "PAVEDROAD_FAKE_KEY"))))
          (save-window-excursion
            (pavedroad-zone-map)
            (with-current-buffer "*pavedroad zones*"
              (setq map-lines (count-matches ":[0-9]+: " (point-min) (point-max))))))
      (error (setq zones (list (format "error: %s" (error-message-string err))))))
    (list :zones (vconcat zones)
          :verdict (or (plist-get prompt :verdict) :null)
          :redacted (or (plist-get prompt :redacted) :null)
          :zone_map_lines (or map-lines 0))))

(let* ((cases (json-parse-string (getenv "PAVEDROAD_CASES")))
       (results (condition-case err
                    (mapcar #'drv-case (append cases nil))
                  (error (list (list :error (error-message-string err))))))
       (extra (when (equal (getenv "PAVEDROAD_EXTRA") "commands")
                (with-current-buffer (find-buffer-visiting
                                      (expand-file-name (gethash "file" (aref cases 0)) drv-root))
                  (goto-char (point-min))
                  (forward-line (gethash "insert_at" (aref cases 0)))
                  (drv-extra)))))
  (princ (json-encode (list :cases (vconcat results) :extra (or extra :null) :emacs emacs-version
                            :eglot (or (and (fboundp 'package-get-version) (ignore-errors (package-get-version))) ""))))
  (princ "\n")
  (dolist (server (ignore-errors (cl-loop for s being the hash-values of eglot--servers-by-project append s)))
    (ignore-errors (eglot-shutdown server)))
  (kill-emacs 0))
