/** The command line and build information. */
package io.revisor.apiserver.config;
