#ifndef GATEWAY_COPENSSL_SHIM_H
#define GATEWAY_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#endif
