// A domain's serial console: xterm.js over the console WebSocket. Guest output arrives as binary
// messages, notices as JSON text; keystrokes go as binary (UTF-8). Reconnects after a network blip
// (with back-off) and, when the domain stopped, as soon as the dashboard's events say it runs again.
(function () {
	'use strict';
	var element = document.getElementById('terminal');
	var status = document.getElementById('console-status');
	var name = element.getAttribute('data-domain');
	var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + element.getAttribute('data-socket');
	var term = new Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 14 });
	var fit = new FitAddon.FitAddon();
	term.loadAddon(fit);
	term.open(element);
	fit.fit();
	window.addEventListener('resize', function () { fit.fit(); });
	var encoder = new TextEncoder();
	var socket = null;
	// connecting | attached | waiting (domain not running) | lost (blip) | slow (dropped as too slow) | refused
	var mode = 'connecting';
	var backoff = 500;
	var lastAttempt = 0;
	var running = null;

	function say(text, cls) {
		status.textContent = text;
		status.className = cls || '';
	}
	function connect() {
		lastAttempt = Date.now();
		mode = 'connecting';
		socket = new WebSocket(url);
		socket.binaryType = 'arraybuffer';
		socket.onopen = function () {
			// the server sends the history first: start from a clean screen each time
			term.reset();
		};
		socket.onmessage = function (event) {
			if (typeof event.data !== 'string') {
				term.write(new Uint8Array(event.data));
				return;
			}
			var notice = JSON.parse(event.data);
			if (notice.type === 'attached') {
				mode = 'attached';
				backoff = 500;
				say('Connected to the serial console of ' + name + '.', 'ok');
				term.focus();
			} else if (notice.type === 'slow') {
				// the server drops a browser that falls too far behind; the history comes again on reconnect
				mode = 'slow';
				say(notice.message + ' Reconnecting…', 'warn');
			} else if (notice.type === 'stopped') {
				mode = 'waiting';
				say(notice.message + ' Reconnecting when it runs.', 'warn');
			} else if (notice.type === 'refused') {
				if (notice.code === 4409) {
					mode = 'waiting';
					say(notice.message + ' Reconnecting when it runs.', 'warn');
				} else {
					mode = 'refused';
					say('Console refused: ' + notice.message, 'error');
				}
			}
		};
		socket.onclose = function (event) {
			socket = null;
			if (mode === 'refused' || event.code === 4403 || event.code === 4404) {
				mode = 'refused';
				if (!status.textContent.startsWith('Console refused')) {
					say('Console refused: ' + (event.reason || 'code ' + event.code), 'error');
				}
				return;
			}
			if (mode === 'slow' || event.code === 4408) {
				if (mode !== 'slow') {
					say('Disconnected: ' + (event.reason || 'this browser fell behind') + '. Reconnecting…', 'warn');
				}
				mode = 'lost';
				setTimeout(connect, 2000);
				return;
			}
			if (mode === 'waiting' || event.code === 4409) {
				mode = 'waiting';
				if (running) {
					setTimeout(retryIfRunning, 2000);
				}
				return;
			}
			mode = 'lost';
			say('Connection to the console lost; reconnecting in ' + Math.round(backoff / 1000) + ' s…', 'warn');
			setTimeout(connect, backoff);
			backoff = Math.min(backoff * 2, 10000);
		};
	}
	function retryIfRunning() {
		if (mode === 'waiting' && running && Date.now() - lastAttempt >= 2000) {
			connect();
		}
	}
	document.addEventListener('qemu-domains', function (event) {
		var domain = event.detail.filter(function (d) { return d.name === name; })[0];
		running = !!domain && domain.active && domain.state !== 'shutdown';
		retryIfRunning();
	});
	term.onData(function (data) {
		if (socket && socket.readyState === WebSocket.OPEN && mode === 'attached') {
			var bytes = encoder.encode(data);
			// a large paste goes in pieces well below the server's message limit
			for (var i = 0; i < bytes.length; i += 4096) {
				socket.send(bytes.subarray(i, i + 4096));
			}
		}
	});
	// Ctrl+Shift+C / Ctrl+Shift+V: copy the selection and paste, as in desktop terminals (Ctrl+C is the guest's)
	term.attachCustomKeyEventHandler(function (event) {
		if (event.type === 'keydown' && event.ctrlKey && event.shiftKey) {
			if (event.code === 'KeyC' && term.hasSelection()) {
				navigator.clipboard.writeText(term.getSelection());
				return false;
			}
			if (event.code === 'KeyV' && navigator.clipboard && navigator.clipboard.readText) {
				navigator.clipboard.readText().then(function (text) { term.paste(text); });
				return false;
			}
		}
		return true;
	});
	// for scripts and tests: the terminal, the connection's state and its socket
	window.qemuConsole = { terminal: term, mode: function () { return mode; }, socket: function () { return socket; } };
	connect();
})();
