/* A CUnit main() shared by the unit tests: verbose run, summary, exit status. */
#pragma once

#include <stdio.h>
#include <CUnit/Basic.h>

struct cu_test {
	const char *name;
	void (*fn)(void);
};

/* Run one suite made of tests[] (NULL-terminated); returns the exit status. */
static inline int cu_run_suite(const char *suite_name, const struct cu_test *tests,
			       CU_InitializeFunc init, CU_CleanupFunc clean)
{
	CU_pSuite suite;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(suite_name, init, clean);
	if (!suite)
		goto err;
	for (const struct cu_test *t = tests; t->name; t++)
		if (!CU_add_test(suite, t->name, t->fn))
			goto err;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_suites_failed())
		failed++;
	CU_cleanup_registry();
	printf("\n");
	return failed ? 1 : 0;
err:
	fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}
