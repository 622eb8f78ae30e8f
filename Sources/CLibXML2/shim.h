#ifndef EARSHOT_CLIBXML2_SHIM_H
#define EARSHOT_CLIBXML2_SHIM_H

/*
 * Debian's libxml2 is built with ICU, so <libxml/encoding.h> includes the
 * system <unicode/ucnv.h>. Foundation ships its own ICU module, and the two
 * definitions of UErrorCode clash in a clean build ("'UErrorCode' has
 * different definitions in different modules"). We never touch libxml2's
 * ICU converter fields, so we stop the system header from being read
 * (UCNV_H is its include guard) and give the two types libxml2 needs
 * private names of the same size and shape.
 */
#define UCNV_H 1
#define UConverter EarshotPrivateUConverter
#define UChar EarshotPrivateUChar
typedef struct EarshotPrivateUConverter EarshotPrivateUConverter;
typedef unsigned short EarshotPrivateUChar;

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/uri.h>
#include <libxml/entities.h>
#include <libxml/xmlreader.h>

#undef UConverter
#undef UChar

/* Swift 6 rejects the global function pointer xmlFree as not concurrency-safe. */
static inline void earshot_xml_free(void *p) { xmlFree(p); }

/* The generic error handler is variadic; install one that drops everything. */
static void earshot_xml_silent_error(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void earshot_xml_silence_generic_errors(void) {
    xmlSetGenericErrorFunc(NULL, earshot_xml_silent_error);
}

/* An external entity loader that refuses everything: no file, no network. */
static xmlParserInputPtr earshot_xml_refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt) {
    (void)url; (void)id; (void)ctxt;
    return NULL;
}
static inline void earshot_xml_refuse_external_entities(void) {
    xmlSetExternalEntityLoader(earshot_xml_refuse_loader);
}

static inline const char *earshot_xml_dotted_version(void) { return LIBXML_DOTTED_VERSION; }

#endif
