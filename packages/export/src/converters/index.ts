/** Registers every built-in converter (import for its side effects). */
import './activation.js';
import './conv.js';
import './dense.js';
import './distribution.js';
import './merge.js';
import './patch-weight.js';
import './pooling.js';
import './shape.js';
