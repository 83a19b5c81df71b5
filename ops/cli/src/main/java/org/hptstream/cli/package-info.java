/** The {@code hpt} command line: the top-level command that gathers every subcommand. */
package org.hptstream.cli;
