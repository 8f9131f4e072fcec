#ifndef GATEWAY_CMICROHTTPD_SHIM_H
#define GATEWAY_CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/// Settings for gateway_start_daemon; plain fields because MHD_start_daemon is variadic and
/// Swift cannot call it.
struct gateway_daemon_settings {
    unsigned int flags;
    const struct sockaddr *address;
    unsigned int thread_pool_size;
    unsigned int connection_limit;
    unsigned int connection_timeout_seconds;
    unsigned int listen_backlog;
    size_t connection_memory_limit;
};

static inline struct MHD_Daemon *gateway_start_daemon(
    struct gateway_daemon_settings settings,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls) {
    struct MHD_OptionItem options[] = {
        {MHD_OPTION_SOCK_ADDR, 0, (void *)settings.address},
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)settings.thread_pool_size, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)settings.connection_limit, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)settings.connection_timeout_seconds, NULL},
        {MHD_OPTION_LISTEN_BACKLOG_SIZE, (intptr_t)settings.listen_backlog, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)settings.connection_memory_limit, NULL},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    return MHD_start_daemon(settings.flags, 0, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

/// The port the daemon listens on (useful when it was started on port 0); 0 when unknown.
static inline uint16_t gateway_daemon_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// The number of connections the daemon currently holds.
static inline unsigned int gateway_daemon_connection_count(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/// Writes the client's numeric address into `buffer`; returns 0 on success, -1 otherwise.
static inline int gateway_connection_client_address(struct MHD_Connection *connection,
                                                    char *buffer, socklen_t size) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        return inet_ntop(AF_INET, &v4->sin_addr, buffer, size) == NULL ? -1 : 0;
    }
    if (address->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        return inet_ntop(AF_INET6, &v6->sin6_addr, buffer, size) == NULL ? -1 : 0;
    }
    return -1;
}
#endif
