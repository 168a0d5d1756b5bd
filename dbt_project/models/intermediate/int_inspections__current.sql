-- Lines that count. They carry no date of their own: they are about their workbook's whole period, and a
-- later workbook of the unit covering all of it replaces them (see macros/rows_in_force.sql).
{{ rows_in_force('stg_landing__inspections') }}
