/** Topic names, domain-name rules, topic specifications and topic administration. */
package org.hptstream.topics;
