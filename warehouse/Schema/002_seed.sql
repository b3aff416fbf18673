-- Static dimensions. Idempotent.
INSERT OR REPLACE INTO dim_date
SELECT d::DATE, year(d), quarter(d), month(d), day(d), weekofyear(d), date_trunc('month', d)::DATE
FROM generate_series(DATE '2000-01-01', DATE '2035-12-31', INTERVAL 1 DAY) t(d)
WHERE (SELECT count(*) FROM dim_date) = 0;

INSERT OR REPLACE INTO dim_icd_group VALUES
  ('I10', 'hypertension', 'Tăng huyết áp vô căn'),
  ('I11', 'hypertension', 'Bệnh tim do tăng huyết áp'),
  ('I12', 'hypertension', 'Bệnh thận do tăng huyết áp'),
  ('I13', 'hypertension', 'Bệnh tim và thận do tăng huyết áp'),
  ('I15', 'hypertension', 'Tăng huyết áp thứ phát'),
  ('E10', 'diabetes', 'Đái tháo đường típ 1'),
  ('E11', 'diabetes', 'Đái tháo đường típ 2'),
  ('E12', 'diabetes', 'Đái tháo đường liên quan suy dinh dưỡng'),
  ('E13', 'diabetes', 'Đái tháo đường xác định khác'),
  ('E14', 'diabetes', 'Đái tháo đường không xác định'),
  ('I20', 'cardiovascular', 'Cơn đau thắt ngực'),
  ('I21', 'cardiovascular', 'Nhồi máu cơ tim cấp'),
  ('I25', 'cardiovascular', 'Bệnh tim thiếu máu cục bộ mạn'),
  ('I50', 'cardiovascular', 'Suy tim'),
  ('I63', 'cerebrovascular', 'Nhồi máu não'),
  ('I64', 'cerebrovascular', 'Đột quỵ'),
  ('I69', 'cerebrovascular', 'Di chứng bệnh mạch máu não'),
  ('N18', 'ckd', 'Bệnh thận mạn');

-- ingredient keys are normalised: lower case, accents stripped, đ→d, letters and digits only.
INSERT OR REPLACE INTO dim_drug_class VALUES
  ('amlodipin','C08CA01','antihypertensive'), ('amlodipine','C08CA01','antihypertensive'),
  ('nifedipin','C08CA05','antihypertensive'), ('nifedipine','C08CA05','antihypertensive'),
  ('felodipin','C08CA02','antihypertensive'), ('lercanidipin','C08CA13','antihypertensive'),
  ('diltiazem','C08DB01','antihypertensive'), ('verapamil','C08DA01','antihypertensive'),
  ('losartan','C09CA01','antihypertensive'), ('valsartan','C09CA03','antihypertensive'),
  ('irbesartan','C09CA04','antihypertensive'), ('telmisartan','C09CA07','antihypertensive'),
  ('candesartan','C09CA06','antihypertensive'),
  ('enalapril','C09AA02','antihypertensive'), ('captopril','C09AA01','antihypertensive'),
  ('perindopril','C09AA04','antihypertensive'), ('coversyl','C09AA04','antihypertensive'),
  ('lisinopril','C09AA03','antihypertensive'), ('ramipril','C09AA05','antihypertensive'),
  ('imidapril','C09AA16','antihypertensive'),
  ('bisoprolol','C07AB07','antihypertensive'), ('atenolol','C07AB03','antihypertensive'),
  ('metoprolol','C07AB02','antihypertensive'), ('propranolol','C07AA05','antihypertensive'),
  ('carvedilol','C07AG02','antihypertensive'), ('nebivolol','C07AB12','antihypertensive'),
  ('hydroclorothiazid','C03AA03','antihypertensive'), ('hydrochlorothiazid','C03AA03','antihypertensive'),
  ('hydrochlorothiazide','C03AA03','antihypertensive'),
  ('indapamid','C03BA11','antihypertensive'), ('indapamide','C03BA11','antihypertensive'),
  ('furosemid','C03CA01','antihypertensive'), ('furosemide','C03CA01','antihypertensive'),
  ('spironolacton','C03DA01','antihypertensive'), ('spironolactone','C03DA01','antihypertensive'),
  ('methyldopa','C02AB01','antihypertensive'), ('clonidin','C02AC01','antihypertensive'),
  ('metformin','A10BA02','antidiabetic'), ('glucophage','A10BA02','antidiabetic'),
  ('gliclazid','A10BB09','antidiabetic'), ('gliclazide','A10BB09','antidiabetic'), ('diamicron','A10BB09','antidiabetic'),
  ('glibenclamid','A10BB01','antidiabetic'), ('glibenclamide','A10BB01','antidiabetic'),
  ('glimepirid','A10BB12','antidiabetic'), ('glimepiride','A10BB12','antidiabetic'), ('amaryl','A10BB12','antidiabetic'),
  ('glipizid','A10BB07','antidiabetic'),
  ('sitagliptin','A10BH01','antidiabetic'), ('vildagliptin','A10BH02','antidiabetic'),
  ('linagliptin','A10BH05','antidiabetic'), ('saxagliptin','A10BH03','antidiabetic'),
  ('dapagliflozin','A10BK01','antidiabetic'), ('empagliflozin','A10BK03','antidiabetic'),
  ('pioglitazon','A10BG03','antidiabetic'), ('pioglitazone','A10BG03','antidiabetic'),
  ('acarbose','A10BF01','antidiabetic'),
  ('insulin','A10AB01','antidiabetic'), ('mixtard','A10AD01','antidiabetic'), ('lantus','A10AE04','antidiabetic'),
  ('atorvastatin','C10AA05','lipid'), ('rosuvastatin','C10AA07','lipid'), ('simvastatin','C10AA01','lipid'),
  ('fenofibrat','C10AB05','lipid'),
  ('paracetamol','N02BE01','other'), ('amoxicilin','J01CA04','other'), ('amoxicillin','J01CA04','other'),
  ('omeprazol','A02BC01','other'), ('aspirin','B01AC06','other');
