/**
 * The {@code hpt} command line: the top-level command that gathers every subcommand, {@code hpt
 * --version} ({@link org.hptstream.cli.BuildInfo}) and {@code hpt stack} (its processes are {@code
 * org.hptstream.stack}'s; the command lives here because {@code status} takes the shared connection
 * options of the kafka module, which the stack module cannot depend on: the test fixtures built on
 * it are used by the kafka module's tests).
 */
package org.hptstream.cli;
