/** JSON and YAML codecs shared by every part of the server. */
package io.revisor.apiserver.json;
