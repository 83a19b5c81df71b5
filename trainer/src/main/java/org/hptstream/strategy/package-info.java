/**
 * The HPT strategies (BASE, BASE-BN-RECAL, TARGET, HPT, HPT-BN): what each initialises and trains.
 */
package org.hptstream.strategy;
