/*
 * Stand-ins for elfutils' internal eu_* search helpers (lib/eu-search.c).
 *
 * Debian trixie's static libelf.a (elfutils 0.192) calls eu_search_tree_init,
 * eu_search_tree_fini, eu_tsearch and eu_tdelete but does not contain them (they
 * live in elfutils' unshipped libeu.a), so a static link of anything using libelf
 * fails.  tests/e2e/run.sh links this file into the static guest fadumpctl only
 * when that happens.  The tree's first member is the tsearch root; the lock that
 * follows it is left alone (the guest CLI is single-threaded).
 */
#define _GNU_SOURCE /* tdestroy */
#include <search.h>
#include <stddef.h>

struct eu_search_tree_prefix {
	void *root;
};

void eu_search_tree_init(struct eu_search_tree_prefix *tree);
void eu_search_tree_fini(struct eu_search_tree_prefix *tree);
void *eu_tsearch(const void *key, struct eu_search_tree_prefix *tree,
		 int (*compar)(const void *, const void *));
void *eu_tfind(const void *key, struct eu_search_tree_prefix *tree,
	       int (*compar)(const void *, const void *));
void *eu_tdelete(const void *key, struct eu_search_tree_prefix *tree,
		 int (*compar)(const void *, const void *));
void eu_tdestroy(struct eu_search_tree_prefix *tree, void (*free_node)(void *));

void eu_search_tree_init(struct eu_search_tree_prefix *tree)
{
	tree->root = NULL;
}

void eu_search_tree_fini(struct eu_search_tree_prefix *tree)
{
	(void)tree;
}

void *eu_tsearch(const void *key, struct eu_search_tree_prefix *tree,
		 int (*compar)(const void *, const void *))
{
	return tsearch(key, &tree->root, compar);
}

void *eu_tfind(const void *key, struct eu_search_tree_prefix *tree,
	       int (*compar)(const void *, const void *))
{
	return tfind(key, &tree->root, compar);
}

void *eu_tdelete(const void *key, struct eu_search_tree_prefix *tree,
		 int (*compar)(const void *, const void *))
{
	return tdelete(key, &tree->root, compar);
}

void eu_tdestroy(struct eu_search_tree_prefix *tree, void (*free_node)(void *))
{
	tdestroy(tree->root, free_node);
	tree->root = NULL;
}
