/** Results: rows, goals and their evaluation, the printed table, {@code results.json} and {@code results.svg}. */
package io.revisor.bench.report;
