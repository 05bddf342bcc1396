/**
 * The {@code mgm} command line: parses options, checks every input, calls the library and prints;
 * bad input is one line and exit code 2.
 */
package org.mgm.cli;
