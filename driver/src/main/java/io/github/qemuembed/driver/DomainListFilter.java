package io.github.qemuembed.driver;

/** Which domains {@link QemuDriver#list(DomainListFilter)} returns. */
public enum DomainListFilter {

	ALL, ACTIVE, INACTIVE

}
