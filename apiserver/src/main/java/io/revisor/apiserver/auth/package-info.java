/**
 * Who a request comes from: authenticators (static token file, client certificates), assembled into one chain where
 * the first success wins, a bad credential is a 401, and anonymous is only for requests without credentials.
 */
package io.revisor.apiserver.auth;
