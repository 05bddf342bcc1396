/**
 * Programs that use the toolkit as a library, as the README shows; the build compiles them and the
 * tests run them.
 */
package org.mgm.examples;
