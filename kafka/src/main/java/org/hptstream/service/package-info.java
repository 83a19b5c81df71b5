/** What every long-running service shares: the HTTP endpoints for health and Prometheus metrics. */
package org.hptstream.service;
