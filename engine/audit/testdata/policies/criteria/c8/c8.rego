# METADATA
# title: Criterion 8
# custom:
#   title_de: Kriterium 8
package criteria.c8

verdict := "not_critical"
