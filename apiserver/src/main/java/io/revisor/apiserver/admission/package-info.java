/**
 * Admission of custom objects from CustomResourceDefinition schemas, reproducing kube-apiserver's behaviour and its
 * error texts.
 *
 * <p>{@link io.revisor.apiserver.admission.SchemaAdmission} compiles one CRD version's {@code openAPIV3Schema}
 * (rejecting, with {@link io.revisor.apiserver.admission.InvalidSchemaException}, what kube-apiserver would refuse)
 * and then prunes unknown fields, applies defaults and validates objects with the semantics of apiextensions'
 * structural schemas and kube-openapi's validator. {@link io.revisor.apiserver.admission.ObjectMetaValidation}
 * validates {@code metadata} on create and update as apimachinery does. Failures are
 * {@link io.revisor.apiserver.admission.FieldError}s shaped like {@code StatusCause}s; turning them into a
 * {@code Status} (422 Invalid) and unknown-field paths into warnings or strict errors is the HTTP layer's job.
 *
 * <p>Nothing here does I/O or knows HTTP. Compiled schemas are immutable and thread-safe; see
 * {@code apiserver/ADMISSION.md} for the user-facing summary.
 */
package io.revisor.apiserver.admission;
